Feature: Cart
  A cart adds up what is in it, in cents, and takes discount codes.

  Background:
    Given an empty cart

  Scenario: An empty cart costs nothing
    Then the total is 0 cents

  Scenario Outline: <count> <item> at <price> cents cost <total> cents
    When I add <count> "<item>" at <price> cents each
    Then the total is <total> cents

    Examples:
      | item  | count | price | total |
      | apple | 1     | 50    | 50    |
      | pear  | 3     | 40    | 120   |

  Scenario: A discount code takes ten percent off
    When I add 2 "melon" at 300 cents each
    And I use the code "TENOFF"
    Then the total is 540 cents
