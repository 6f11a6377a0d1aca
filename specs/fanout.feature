Feature: Fan out a run over many machines
  `specctl check --partition K/N` and `specctl audit --partition K/N` run one stable slice of
  the run, one for each machine of a CI matrix; `specctl merge` joins the slices' JSON
  documents into the report one unpartitioned run would give, and refuses documents that are
  not the slices of one run.

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

  Scenario: The slices of a check, run apart, merge into the whole run
    Given a file "aspects/fast.md" with:
      """
      ---
      name: fast
      evidence: "true"
      ---
      Always holds.
      """
    And I ran "specctl check --partition 1/2 --format json --output slice-1.json"
    And I ran "specctl check --partition 2/2 --format json --output slice-2.json"
    When I run "specctl merge --format json slice-2.json slice-1.json"
    Then the exit code is 1
    And the JSON items are:
      | id                                 | status    |
      | specs/shop.feature::Buy an apple   | pass      |
      | specs/shop.feature::Pay too much   | fail      |
      | specs/shop.feature::Close the shop | skipped   |
      | specs/shop.feature::Haggle         | undefined |
      | aspect:fast                        | pass      |
    And the JSON summary is:
      | key       | value |
      | total     | 5     |
      | pass      | 2     |
      | fail      | 1     |
      | undefined | 1     |
      | skipped   | 1     |

  Scenario: Merge names the slices that are missing and given twice
    Given I ran "specctl check --partition 1/3 --format json --output slice-1.json"
    When I run "specctl merge slice-1.json slice-1.json"
    Then the exit code is 2
    And stderr contains "merge: slice 1/3 is given twice (slice-1.json, slice-1.json)"
    When I run "specctl merge slice-1.json"
    Then the exit code is 2
    And stderr contains "merge: slices 2/3, 3/3 are missing: run `specctl check --partition K/3 --format json` for each and merge them too"
