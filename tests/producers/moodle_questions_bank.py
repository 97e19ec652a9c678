"""Builds a Moodle XML quiz with moodle-questions 0.2.1's own API (its README's example shape):
python moodle_questions_bank.py OUT.xml. Run by tests/test_import_moodle_producers.py in the
producer's own environment; moodle-questions implements multichoice and shortanswer (its
numerical, matching and truefalse classes raise NotImplementedError)."""

import sys

from moodle_questions import MultipleChoiceQuestion, Quiz, ShortAnswerQuestion

quiz = Quiz()
capital = MultipleChoiceQuestion(name="Capital", question_text="<p>What is the capital of France?</p>",
                                 default_mark=2, general_feedback="<p>Paris, since 987.</p>", id_number="cap-1",
                                 shuffle=True)
capital.add_answer(100, "Paris", "<p>Right.</p>")
capital.add_answer(0, "Lyon", "<p>Lyon is the third city.</p>")
capital.add_answer(0, "Marseille & Nice")
quiz.add_question(capital)
primes = MultipleChoiceQuestion(name="Primes", question_text="<p>Which are prime? (a &lt; b)</p>", default_mark=1,
                                single=False)
primes.add_answer(50, "2")
primes.add_answer(50, "3")
primes.add_answer(-100, "4", "<p>4 = 2 × 2</p>")
quiz.add_question(primes)
element = ShortAnswerQuestion(name="Element", question_text="<p>Symbol of gold?</p>", default_mark=1)
element.add_answer(100, "Au", "<p>Aurum.</p>")
element.add_answer(50, "au")
quiz.add_question(element)
quiz.save(sys.argv[1])
