Feature: Check the evidence
  `specctl check` observes once: it runs every item's evidence, gives each item one of six
  verdicts, prints them, records them for `specctl status`, and exits 0 only when every item
  passed or was skipped.

  Background:
    Given a file "specctl.yaml" with:
      """
      evidence:
        default:
          run: ./run-specs.sh {report}
          report: junit
          timeout: 30s
      """
    And an executable file "run-specs.sh" with:
      """
      #!/bin/sh
      cat > "$1" <<'XML'
      <testsuite name="Shop">
        <testcase classname="Shop" name="Buy an apple"/>
        <testcase classname="Shop" name="Pay too much"><failure message="expected to pay 5, paid 2"/></testcase>
        <testcase classname="Shop" name="Close the shop"><skipped/></testcase>
      </testsuite>
      XML
      """
    And a file "specs/shop.feature" with:
      """
      Feature: Shop
        Scenario: Buy an apple
          Given a shop

        Scenario: Pay too much
          Then I pay 5

        Scenario: Close the shop
          Given night falls

        Scenario: Haggle
          Given a merchant
      """

  Scenario: Every item gets its verdict from the runner's report
    When I run "specctl check --format json"
    Then the exit code is 1
    And the JSON items are:
      | id                                | status    |
      | specs/shop.feature::Buy an apple  | pass      |
      | specs/shop.feature::Pay too much  | fail      |
      | specs/shop.feature::Close the shop | skipped  |
      | specs/shop.feature::Haggle        | undefined |
    And the JSON summary is:
      | key       | value |
      | total     | 4     |
      | pass      | 1     |
      | fail      | 1     |
      | undefined | 1     |
      | skipped   | 1     |

  Scenario: Human output shows the failure under its item and closes with the counts
    When I run "specctl check"
    Then the exit code is 1
    And stdout contains "✗ specs/shop.feature:5  Pay too much  fail"
    And stdout contains "expected to pay 5, paid 2"
    And stdout ends with the line "1 passed, 2 failed, 1 skipped"

  Scenario: Only the selected items are checked, and all holding exits 0
    When I run "specctl check specs/shop.feature::Buy"
    Then the exit code is 0
    And stdout ends with the line "1 passed, 0 failed"

  Scenario: Aspects are proven by their command's exit code
    Given a file "aspects/fast.md" with:
      """
      ---
      name: fast
      evidence: "true"
      ---
      """
    And a file "aspects/slow.md" with:
      """
      ---
      name: slow
      evidence: sleep 30
      timeout: 200ms
      ---
      """
    And a file "aspects/missing.md" with:
      """
      ---
      name: missing
      evidence: ./no-such-script.sh
      ---
      """
    When I run "specctl check --format json aspects"
    Then the exit code is 1
    And the JSON items are:
      | id              | status  |
      | aspect:fast     | pass    |
      | aspect:missing  | error   |
      | aspect:slow     | timeout |

  Scenario: JUnit output goes to a file
    When I run "specctl check --format junit --output report.xml"
    Then the exit code is 1
    And the file "report.xml" exists
    And stdout ends with the line "1 passed, 2 failed, 1 skipped"

  Scenario: Status shows the last observation without running anything
    Given I ran "specctl check"
    And a file "run-specs.sh" with:
      """
      #!/bin/sh
      exit 99
      """
    When I run "specctl status --format json"
    Then the exit code is 1
    And the JSON items are:
      | id                                 | status    |
      | specs/shop.feature::Buy an apple   | pass      |
      | specs/shop.feature::Pay too much   | fail      |
      | specs/shop.feature::Close the shop | skipped   |
      | specs/shop.feature::Haggle         | undefined |

  Scenario: Invalid input exits 2 while the valid items are still checked
    Given a file "specs/broken.feature" with:
      """
      Feature: Broken
        Scenario: half
          Given a step
        this line is not gherkin
      """
    When I run "specctl check --format json"
    Then the exit code is 2
    And the JSON items are:
      | id                                 | status    |
      | specs/shop.feature::Buy an apple   | pass      |
      | specs/shop.feature::Pay too much   | fail      |
      | specs/shop.feature::Close the shop | skipped   |
      | specs/shop.feature::Haggle         | undefined |
    And the JSON errors are:
      | file                 | line |
      | specs/broken.feature | 4    |

  Scenario: A broken file outside the selection is a warning, not a failure
    Given a file "specs/broken.feature" with:
      """
      Feature: Broken
        Scenario: half
          Given a step
        this line is not gherkin
      """
    When I run "specctl check specs/shop.feature::Buy"
    Then the exit code is 0
    And stderr contains "specs/broken.feature:4:"
    And stderr contains "(outside the selection, so not checked now)"

  Scenario: Explain shows one item's text, evidence and verdict history, newest first
    Given I ran "specctl check"
    When I run "specctl explain 'specs/shop.feature::Pay too much'"
    Then the exit code is 0
    And stdout contains "Scenario: Pay too much"
    And stdout contains "evidence: runner `default`: `./run-specs.sh {report}`"
    And stdout contains "last: fail at "
    And stdout contains "history (1, newest first):"
    And stdout contains "fail      expected to pay 5, paid 2"
