Feature: Adopt an existing project
  `specctl init` finds a project's feature files and the runner it already uses, and writes a
  specctl.yaml whose runners give exact reports. It never overwrites one.

  Scenario: behave's base folders each get a runner bound to their files
    Given a file "features/shop.feature" with:
      """
      Feature: Shop
        Scenario: Buy
          Given a shop
      """
    And a file "features/steps/shop.py" with:
      """
      from behave import given
      """
    And a file "issue.features/bug.feature" with:
      """
      Feature: Bug
        Scenario: Fixed
          Given a bug
      """
    And a file "issue.features/steps/bug.py" with:
      """
      import behave
      """
    When I run "specctl init"
    Then the exit code is 0
    And stdout contains "behave in issue.features: 1 feature file"
    And the file "specctl.yaml" contains 'paths: ["issue.features/**"]'
    And the file ".gitignore" contains ".specctl/"
    When I run "specctl list --format json"
    Then the exit code is 0
    And the JSON items are:
      | id                                | evidence              |
      | features/shop.feature::Buy        | behave-features       |
      | issue.features/bug.feature::Fixed | behave-issue-features |

  Scenario: An existing specctl.yaml is never overwritten
    Given a file "specctl.yaml" with:
      """
      specs: [mine]
      """
    And a file "features/shop.feature" with:
      """
      Feature: Shop
        Scenario: Buy
          Given a shop
      """
    When I run "specctl init"
    Then the exit code is 2
    And stderr contains "already exists, and init never overwrites it"
    And the file "specctl.yaml" holds "specs: [mine]"
