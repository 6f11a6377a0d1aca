Feature: The board as a web page
  `specctl watch --serve ADDR` serves the board as a live page beside the terminal's: every
  item by its file with its verdict and what the last observation changed. It only reads:
  a request to change anything is refused.

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
    And specctl watch is running with the board served

  Scenario: The served board shows what a save changed
    When I save "src/greeting" with:
      """
      hello
      """
    And I get "/api/board" from the board
    Then the board answers 200
    And the board's items are:
      | id                             | verdict | was  |
      | specs/greet.feature::Say hello | pass    | fail |

  Scenario: The board changes nothing
    When I post to "/api/board" on the board
    Then the board answers 405
