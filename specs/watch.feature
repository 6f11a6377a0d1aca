Feature: Watch the specs reconcile
  `specctl watch` observes at start, then again whenever a relevant file changes, and
  re-runs only what the change can affect. A spec saved mid-edit shows its error and keeps
  the last verdicts; the next good save recovers.

  Background:
    Given a file "specctl.yaml" with:
      """
      evidence:
        default:
          run: ./greet.sh
          report: exit-code
          inputs: ["src/**"]
      """
    And an executable file "greet.sh" with:
      """
      #!/bin/sh
      test "$(cat src/greeting)" = hello
      """
    And a file "src/greeting" with:
      """
      hi
      """
    And a file "specs/greet.feature" with:
      """
      Feature: Greeting
        Scenario: Say hello
          Then the greeting is "hello"
      """
    And specctl watch is running

  Scenario: Saving the code observes again
    When I save "src/greeting" with:
      """
      hello
      """
    Then the JSON items are:
      | id                             | status |
      | specs/greet.feature::Say hello | pass   |

  Scenario: A spec saved mid-edit shows its error, and the next good save recovers
    When I save "specs/greet.feature" with:
      """
      Feature: Greeting
        Scenario: Say hello
          Then the greeting is "hello"
        this line is not gherkin
      """
    Then the JSON errors are:
      | file                | line |
      | specs/greet.feature | 4    |
    And the JSON items are:
      | id                             | status |
      | specs/greet.feature::Say hello | fail   |
    When I save "specs/greet.feature" with:
      """
      Feature: Greeting
        Scenario: Say hello
          Then the greeting is "hello"

        Scenario: Say it twice
          Then the greeting is "hello"
      """
    Then the JSON items are:
      | id                                | status |
      | specs/greet.feature::Say hello    | fail   |
      | specs/greet.feature::Say it twice | fail   |

  Scenario: A removed spec leaves the board
    When I delete "specs/greet.feature"
    Then the JSON items are:
      | id |
