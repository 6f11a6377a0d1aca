Feature: Audit the contract
  `specctl audit` finds the specs that a useless implementation would satisfy, each at its
  line: static rules with nothing run, and with --mutants the changes to the code that no
  item notices, and with --adversary the code an agent writes to pass an item while meaning
  something else.

  Scenario: A scenario that cannot fail and an Examples column nothing uses are errors at their lines
    Given a file "specctl.yaml" with:
      """
      evidence:
        default:
          run: evidence/run.sh
      """
    And a file "specs/shop.feature" with:
      """
      Feature: Shop
        Scenario: Browse
          Given a shop
          When I look around

        Scenario Outline: Pay
          Given a price of <price>
          When I pay
          Then I owe nothing

          Examples:
            | price | currency |
            | 5     | EUR      |
            | 5     | USD      |
      """
    When I run "specctl audit --format json"
    Then the exit code is 1
    And the JSON findings are:
      | rule                  | severity | file               | line |
      | no-outcome            | error    | specs/shop.feature | 2    |
      | never-red             | info     | specs/shop.feature | 2    |
      | outline-unused-column | error    | specs/shop.feature | 12   |
      | never-red             | info     | specs/shop.feature | 13   |
      | outline-duplicate-row | error    | specs/shop.feature | 14   |
      | never-red             | info     | specs/shop.feature | 14   |

  Scenario: A check that accepts any of the labels lets a mutant survive at its source line
    Given a file "specctl.yaml" with:
      """
      specs: []
      """
    And a file "src/grade.py" with:
      """
      def grade(score):
          if score >= 90:
              return "gold"
          return "silver"
      """
    And a file "aspects/grade.md" with:
      """
      ---
      name: grade
      evidence: python3 evidence/check.py
      inputs: ["src/**"]
      ---
      Grades by score.
      """
    And a file "evidence/check.py" with:
      """
      import sys
      sys.path.insert(0, "src")
      from grade import grade
      assert grade(95) in {"gold", "silver"}
      """
    When I run "specctl audit --mutants --format json"
    Then the exit code is 1
    And the JSON findings are:
      | rule            | severity | file         | line |
      | survived-mutant | error    | src/grade.py | 2    |
      | survived-mutant | error    | src/grade.py | 4    |

  Scenario: The slices of a mutant audit, run apart, merge into the whole audit
    Given a file "specctl.yaml" with:
      """
      specs: []
      """
    And a file "src/grade.py" with:
      """
      def grade(score):
          if score >= 90:
              return "gold"
          return "silver"
      """
    And a file "aspects/grade.md" with:
      """
      ---
      name: grade
      evidence: python3 evidence/check.py
      inputs: ["src/**"]
      ---
      Grades by score.
      """
    And a file "evidence/check.py" with:
      """
      import sys
      sys.path.insert(0, "src")
      from grade import grade
      assert grade(95) in {"gold", "silver"}
      """
    And I ran "specctl audit --mutants --partition 1/2 --format json --output audit-1.json"
    And I ran "specctl audit --mutants --partition 2/2 --format json --output audit-2.json"
    When I run "specctl merge --format json audit-1.json audit-2.json"
    Then the exit code is 1
    And the JSON findings are:
      | rule            | severity | file         | line |
      | survived-mutant | error    | src/grade.py | 2    |
      | survived-mutant | error    | src/grade.py | 4    |

  Scenario: An adversary that returns a constant passes a spec whose only example it satisfies
    Given a file "specctl.yaml" with:
      """
      evidence:
        default:
          run: ./evidence/double.sh
          report: exit-code
      agents:
        - name: cheat
          run: ./agent constant src/double.sh 'echo 4'
      """
    And an executable file "evidence/double.sh" with:
      """
      #!/bin/sh
      test "$(sh src/double.sh 2)" = 4 || { echo "expected 4"; exit 1; }
      """
    And a file "src/double.sh" with:
      """
      echo $(( $1 * 2 ))
      """
    And a file "specs/double.feature" with:
      """
      Feature: Doubling
        Scenario: Double 2
          When I double 2
          Then I get 4
      """
    And the scripted agent
    When I run "specctl audit --adversary cheat --format json"
    Then the exit code is 1
    And the JSON findings are:
      | rule             | severity | file                 | line |
      | never-red        | info     | specs/double.feature | 2    |
      | adversary-passes | error    | specs/double.feature | 2    |
    And the file "src/double.sh" holds "echo $(( $1 * 2 ))"
