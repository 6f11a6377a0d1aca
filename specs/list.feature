Feature: List the desired state
  `specctl list` shows every scenario and aspect of a project, with the file and line it
  comes from and the evidence that will prove it. It runs nothing.

  Background:
    Given a file "specctl.yaml" with:
      """
      evidence:
        default:
          run: ./run-tests {features}
        slow:
          run: ./slow-tests
      """

  Scenario: Scenarios and aspects are listed with their evidence
    Given a file "specs/shop.feature" with:
      """
      Feature: Shop
        Scenario: Buy an apple
          Given a shop
      """
    And a file "aspects/pure.md" with:
      """
      ---
      name: core-is-pure
      evidence: evidence/check-core.sh
      ---
      The core does no I/O.
      """
    When I run "specctl list"
    Then the exit code is 0
    And stdout contains "specs/shop.feature:2  Buy an apple  [default]"
    And stdout contains "aspects/pure.md:2  core-is-pure  [evidence/check-core.sh]"
    And stdout contains "2 items: 1 scenario, 1 aspect"

  Scenario: Each Examples row of an Outline is its own item
    Given a file "specs/sum.feature" with:
      """
      Feature: Sums
        @evidence:slow
        Scenario Outline: Add <a> and <b>
          When I add <a> and <b>
          Examples:
            | a | b |
            | 1 | 2 |
            | 1 | 2 |
            | 3 | 4 |
      """
    When I run "specctl list --format json"
    Then the exit code is 0
    And the JSON items are:
      | id                                | line | evidence | tags           |
      | specs/sum.feature::Add 1 and 2    | 7    | slow     | @evidence:slow |
      | specs/sum.feature::Add 1 and 2 #2 | 8    | slow     | @evidence:slow |
      | specs/sum.feature::Add 3 and 4    | 9    | slow     | @evidence:slow |

  Scenario: Background steps come first and tags are inherited
    Given a file "specs/rules.feature" with:
      """
      @feature-tag
      Feature: Rules
        Background:
          Given a clean shop

        @rule-tag
        Rule: Returns
          Background:
            Given a receipt

          @scenario-tag
          Scenario: Return an apple
            When I return an apple
      """
    When I run "specctl list --format json"
    Then the exit code is 0
    And the JSON items are:
      | id                                   | line | tags                                 |
      | specs/rules.feature::Return an apple | 12   | @feature-tag @rule-tag @scenario-tag |
    And the JSON item "specs/rules.feature::Return an apple" has the steps:
      | keyword | text               |
      | Given   | a clean shop       |
      | Given   | a receipt          |
      | When    | I return an apple  |

  Scenario: A broken file is reported at its line and the rest is still listed
    Given a file "specs/good.feature" with:
      """
      Feature: Good
        Scenario: fine
          Given it works
      """
    And a file "specs/bad.feature" with:
      """
      Feature: Bad
        Scenario: broken
          Given a step
        this line is not gherkin
      """
    And a file "aspects/typo.md" with:
      """
      ---
      name: typo
      evidnce: ./check
      ---
      """
    When I run "specctl list --format json"
    Then the exit code is 2
    And the JSON items are:
      | id                       |
      | specs/good.feature::fine |
    And the JSON errors are:
      | file              | line | column |
      | specs/bad.feature | 4    | 3      |
      | aspects/typo.md   | 3    | 1      |

  Scenario: Human errors point at the line
    Given a file "aspects/slow.md" with:
      """
      ---
      name: slow
      evidence: ./bench
      timeout: soon
      ---
      """
    When I run "specctl list"
    Then the exit code is 2
    And stderr contains "aspects/slow.md:4:10: invalid duration `soon`"
    And stderr contains "4 │ timeout: soon"
    And stderr shows no panic

  Scenario: A binary file named .feature is refused, not parsed
    Given a file "specs/logo.feature" holding the bytes "\x89PNG\n\x00\x00"
    When I run "specctl list --format json"
    Then the exit code is 2
    And the JSON errors are:
      | file               | line |
      | specs/logo.feature | 2    |

  Scenario: A misspelt configuration key is an error at its line
    Given a file "specctl.yaml" with:
      """
      specs: [specs]
      evidense:
        default:
          run: ./t
      """
    When I run "specctl list"
    Then the exit code is 2
    And stderr contains "specctl.yaml:2:1: unknown field `evidense`"
