"""Run with qti-package-maker's own Python: writes one question of each of its types, in two formats.

Usage: python qti_package_maker_bank.py ENGINE OUTFILE  (ENGINE: canvas_qti_v1_2 or blackboard_qti_v2_1).
qbank's tests run this as a separate program, in the producer's own virtual environment.
"""

import sys

from qti_package_maker.package_interface import QTIPackageInterface

engine, outfile = sys.argv[1], sys.argv[2]
package = QTIPackageInterface("producer_check", verbose=False, allow_mixed=True)
package.add_item("MC", ("Which planet is the largest?", ["Jupiter", "Mars", "Venus"], "Jupiter"))
package.add_item("MA", ("Which numbers are prime?", ["2", "3", "4", "9"], ["2", "3"]))
package.add_item("MATCH", ("Match each country to its capital.", ["France", "Japan", "Peru"],
                           ["Paris", "Tokyo", "Lima"]))
package.add_item("NUM", ("What is 7 times 6?", 42.0, 0.5))
package.add_item("FIB", ("The chemical symbol of gold is ____.", ["Au", "au"]))
package.add_item("MULTI_FIB", ("Roses are [colour1], violets are [colour2].", {"colour1": ["red"],
                                                                               "colour2": ["blue"]}))
if engine != "canvas_qti_v1_2":  # its Canvas engine has no ordering type
    package.add_item("ORDER", ("Order from smallest to largest.", ["one", "two", "three"]))
print(package.save_package(engine, outfile))
