Feature: Matching a report to scenarios
  A verdict pinned on the wrong scenario is worse than none. specctl matches a runner's cases
  to scenarios by what identifies them (file and line, a row's steps, the runner's own name
  for a case), never by their order; where a case could mean two scenarios, both are an
  `error` that says why.

  Scenario: Two scenarios of one name in a report without lines are an error, not a guess
    Given a file "specctl.yaml" with:
      """
      evidence:
        default:
          run: ./run-specs.sh {report}
          report: junit
      """
    And an executable file "run-specs.sh" with:
      """
      #!/bin/sh
      cat > "$1" <<'XML'
      <testsuite name="Cucumber">
        <testcase classname="Shop" name="Pay"><skipped/></testcase>
        <testcase classname="Shop" name="Pay"><failure message="paid twice"/></testcase>
      </testsuite>
      XML
      """
    And a file "specs/shop.feature" with:
      """
      Feature: Shop
        Rule: Cash
          Scenario: Pay
            Given cash

        Rule: Card
          Scenario: Pay
            Given a card
      """
    When I run "specctl check --format json"
    Then the exit code is 1
    And the JSON items are:
      | id                         | status |
      | specs/shop.feature::Pay    | error  |
      | specs/shop.feature::Pay #2 | error  |
    And stdout contains "2 scenarios have that name (specs/shop.feature:3, specs/shop.feature:7)"

  Scenario: Outline rows that share the Outline's line are told apart by their steps
    Given a file "specctl.yaml" with:
      """
      evidence:
        default:
          run: ./run-specs.sh {report}
          report: cucumber-json
      """
    And an executable file "run-specs.sh" with:
      """
      #!/bin/sh
      cat > "$1" <<'JSON'
      [{"uri": "shop.feature", "name": "Shop", "elements": [
        {"type": "scenario", "name": "Add", "line": 2, "steps": [
          {"keyword": "Given", "name": "the number 2", "result": {"status": "failed", "error_message": "2 is odd"}}]},
        {"type": "scenario", "name": "Add", "line": 2, "steps": [
          {"keyword": "Given", "name": "the number 1", "result": {"status": "passed"}}]}
      ]}]
      JSON
      """
    And a file "specs/shop.feature" with:
      """
      Feature: Shop
        Scenario Outline: Add
          Given the number <n>

          Examples:
            | n |
            | 1 |
            | 2 |
            | 3 |
      """
    When I run "specctl check --format json"
    Then the exit code is 1
    And the JSON items are:
      | id                         | status    |
      | specs/shop.feature::Add    | pass      |
      | specs/shop.feature::Add #2 | fail      |
      | specs/shop.feature::Add #3 | undefined |

  Scenario: A project whose specs are elsewhere is told where they are
    Given a file "features/shop.feature" with:
      """
      Feature: Shop
        Scenario: Buy
          Given a shop
      """
    When I run "specctl check"
    Then the exit code is 2
    And stderr contains "no specs or aspects found in specs and aspects, but .feature files are in `features`"
