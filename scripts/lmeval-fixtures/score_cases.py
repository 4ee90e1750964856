"""Hand-written model responses for the score fixtures, one per evaluation document.

Each case runs lm-eval over the whole evaluation split of its data folder, so every document
gets a response. The responses cover each filter/metric option the tasks use: correct, wrong,
no regex match ("[invalid]"), extra whitespace, case and punctuation differences, gsm8k's
strict-match vs flexible-extract, bbh's look-behind regex that drops the last character,
regexes_to_ignore, and tasks with their own process_results (leaderboard math).
"""

from __future__ import annotations

GSM8K = {
    0: "Mia has 3*12=36 pencils and gives away 9.\n#### 27",                       # both filters right
    1: "The bakery made $150.",                                                   # strict: [invalid]; flexible: "$150." -> $ and final . ignored
    2: "He runs 20 miles on weekdays and 6 on Saturday, so 26 miles.\n#### 26",
    3: "8*7*5 = 280\n#### 280.0",                                                 # "280.0" != "280": only a final "." is ignored
    4: "She has 55 dollars left.\n#### $55",                                      # strict needs a digit after "#### "
    5: "60 * 2.5 = 150 miles\n#### 150",
    6: "He will have 400 stamps.\n#### 400.",                                     # trailing "." captured, then ignored
    7: "I don't know.",                                                           # no number at all
    8: "   \n#### 650\n\nQuestion: what next?",                                   # text after the answer
    9: "The sale price is $34.00\n#### 34.00",                                    # wrong for both
    10: "She read 75 pages, so 105 pages are left. #### -105",                    # sign makes it wrong
    11: "There are 72 + 48 = 120 legs.",                                          # flexible takes the last number
}

BBH_BOOLEAN = {  # targets: False True False True True False True False True False
    0: "not ( True ) = False, and False and True = False. So the answer is False.",
    1: "not False = True, so the expression is True. So the answer is True",      # no final "." -> "Tru"
    2: "The answer follows. So the answer is False.\n",                            # "." before newline is dropped
    3: "First, the answer is True. Indeed the answer is True.",                    # greedy: first match runs to line end
    4: "The Answer Is True.",                                                      # case-sensitive look-behind: [invalid]
    5: "So the answer is false.",                                                  # no ignore_case in bbh
    6: "So the answer is  True.",                                                  # extra space, stripped
    7: "So the answer is False. ",                                                 # trailing space keeps the "."
    8: "",                                                                         # [invalid]
    9: "So the answer is True.",                                                   # wrong
}

BBH_COUNTING = {  # targets: 3 7 5 8 5 5 8 9 7 6
    0: "flute (1), piano (1), trombone (1): 1 + 1 + 1 = 3. So the answer is 3.",
    1: "So the answer is 7.",
    2: "So the answer is five.",                                                   # a word, not the digit
    3: "So the answer is 8!",                                                      # look-ahead drops "!"
    4: "So the answer is 5.0.",                                                    # "5.0" != "5"
    5: "So the answer is 5.",
    6: "So the answer is 8 animals.",
    7: "the answer is 9.",
    8: "the answer is 7.\nthe answer is 8.",                                       # take_first keeps the first
    9: "six",                                                                      # [invalid]
}

MMLU_ANATOMY = {  # targets: C B B C A C C A B B
    0: " C",
    1: "B. nephron",                                                                # punctuation removed, but text remains
    2: "b",                                                                         # ignore_case
    3: "(C)",                                                                       # ignore_punctuation
    4: "\nA",                                                                       # first line is empty
    5: "C\nbecause it meets the hip bone.",
    6: "  C  ",
    7: "A.",
    8: "The answer is B",
    9: "",
}


def _mmlu_pro():
    targets = ["C", "D", "D", "B", "B", "C", "A", "C", "D", "C", "B", "B"]
    shapes = [
        "Let's think step by step. Mitochondria have their own genome. The answer is ({t}).",
        "Half of the offspring are tt, so the answer is {t}.",                         # parentheses optional
        "The answer is ({l}).",                                                       # lowercase letter: no match
        "I believe it is {t}.",                                                        # no "answer is": [invalid]
        "answer is ({t}) and not (A); the answer is (A).",                            # first match
        "The answer is (K).",                                                         # K is not an option letter
        "the answer is {t}",
        "The answer is ( {t} ).",                                                     # space inside: no match
        "The answer is (A).",                                                         # wrong
        "So the answer is ({t})",
        "Answer is ({t}).",                                                           # capital A: 'answer is' does not match
        "",
    ]
    return {i: shapes[i].format(t=t, l=t.lower()) for i, t in enumerate(targets)}


NQ_OPEN = {  # list targets (any alias counts); remove_whitespace filter; articles ignored by regexes_to_ignore
    0: " Nile",                      # "the Nile" / "Nile"
    1: "alexander fleming",          # ignore_case
    2: "Seven",
    3: "Portuguese.",                # ignore_punctuation
    4: "Shakespeare wrote it",
    5: "100 degrees celsius",
    6: "The red planet is Mars",
    7: "  2\n",                      # only leading blanks are removed: "2\\n" matches no alias
    8: "Washington",
    9: "A diamond",                  # "A " removed from both sides
    10: "",
    11: "CO 2",
}

MATH_ALGEBRA = {  # level-5 answers: 7 26 -2 10 6 2 117 7 13 \frac{3}{4}
    0: "The roots are 3 and 4, so the sum is $\\boxed{7}$.\nFinal Answer: The final answer is $7$. I hope it is correct.",
    1: "Final Answer: The final answer is $26$. I hope it is correct.",
    2: "The slope is $\\frac{-8}{4} = -2$.",
    3: "$\\log_2 64 = 6$ and $\\log_3 81 = 4$, so the answer is $\\boxed{11}$.",
    4: "Final Answer: The final answer is $k=6$. I hope it is correct.",
    5: "x = 2",
    6: "Final Answer: The final answer is $117.0$. I hope it is correct.",
    7: "",
    8: "Final Answer: The final answer is $\\boxed{13}$. I hope it is correct.",
    9: "Final Answer: The final answer is $0.75$. I hope it is correct.",
}

BIGBENCH_DATE = {  # direct letter regex "\(([A-J])\)"; targets (C) (A) (D) (E) (B) (D) (D) (B) (F) (A) (B) (A)
    0: " (C)", 1: "(A) 05/01/2021", 2: "D", 3: "(e)", 4: "The answer is (B).", 5: "(D)\n\nQ: next",
    6: "(B)", 7: "", 8: "(F)", 9: "  (A)  ", 10: "(B) or (C)", 11: "(C) not (A)",
}

BIGBENCH_DYCK = {  # direct first line, punctuation significant; targets ) / ] > / ] ) ) / ] ] ] / } } ) / ) ] / ) } > / } / > } ) / > } ] / ) ] / ]
    0: ")", 1: " ] >", 2: "] ) )\nbecause", 3: "]]]", 4: "} } ).", 5: ") ]  ", 6: "", 7: "}",
    8: "> } ]", 9: "\n> } ]", 10: ") ]", 11: "] ",
}

BIGBENCH_BOOLEAN = {  # direct first line, ignore_case + ignore_punctuation; targets T F F F T T F F F F T T
    0: " True", 1: "false", 2: "False.", 3: "FALSE!", 4: "True\nbecause ...", 5: "Yes", 6: "False ", 7: "",
    8: "\n\nFalse", 9: "It is False", 10: "True", 11: "(True)",
}

BIGBENCH_WORD_SORTING_COT = {  # cot regex "[Tt]he answer is (.*?)\.(?:\s|$)"
    0: "c comes before w. So the answer is chrysalis wallaby.",
    1: "o comes before v. So the answer is oft viscount",                                # no final ".": [invalid]
    2: "The answer is dunham mermaid.",
    3: "So the answer is Kangaroo Lancet.",                                              # ignore_case
    4: "So the answer is heinz, skew.",                                                  # ignore_punctuation
    5: "So the answer is houghton democracy.",                                           # wrong order
    6: "So the answer is moisten petrel.\nQ: next",
    7: "So the answer is brainwash depredation. So the answer is depredation brainwash.",  # first match
    8: "So the answer is aisle panacea.  ",
    9: "So the answer is chastise important.etc",                                        # "." not followed by space: keeps scanning
    10: "",
    11: "So the answer is baccalaureate ineligible.",
}

BIGBENCH_COUNTING_COT = {  # targets ten nine eight five four four twelve sixteen nine nine ten five
    0: "So the answer is ten.", 1: "So the answer is 9.", 2: "So the answer is Eight.", 3: "So the answer is five!",
    4: "So the answer is four. ", 5: "the answer is four.", 6: "So the answer is twelve", 7: "So the answer is sixteen.\n",
    8: "So the answer is nine.", 9: "So the answer is ten.", 10: "The answer is ten.", 11: "I count five.",
}


BABI_TASK_01 = {  # get_response: first line, stripped; exact_match ignore_case + ignore_punctuation; targets bedroom office kitchen office
    0: " bedroom",
    1: "Office.\nPassage: more",                                                   # first line only, "." ignored
    2: "\nkitchen",                                                                 # the first line is empty
    3: "garden",                                                                   # wrong
}

BABISTEPS_TASK_01 = {  # list targets; lowercase, first non-empty line, " and" removed
    0: "The Kitchen\n\n## Story ##",
    1: "\n\nthe garden and",                                                        # leading newlines skipped, " and" dropped
    2: "the garden.",
    3: "It is not known",                                                          # the second acceptable answer
    4: "the kitchen and the garden",                                               # -> "the kitchen the garden": wrong
}

BABISTEPS_LISTING = {  # process_results_listing: set equality, or any answer for a "none" leaf
    0: "a ball, a box",
    1: "A ball",                                                                   # lowercase filter first
    2: "nothing",                                                                  # a "none" leaf: any listed answer
    3: "a ball and a box",                                                          # " and" removed -> "a ball a box": not the set
}

BABISTEPS_CHAT_COT_LISTING = {  # the answer after "the answer is" / "answer: " / "the final answer: "
    0: "Bob holds both. The answer is a box, a ball",
    1: "Final answer: a ball",
    2: "Reasoning...\nthe final answer: none",
    3: "I cannot tell.",                                                            # no cue: [invalid]
}

MMLU_PRO_CATEGORY = {i: r for i, r in enumerate([
    "The answer is (C).", "the answer is D", "The answer is (d).", "answer is (B)", "The answer is B.", "I think C.",
    "So the answer is (A)", "The answer is ( C ).", "The answer is (D).\nQuestion: next", "answer is (C) or the answer is (A)",
    "The answer is (B).", "", "The answer is (K).",                                  # K is past the regex's A-J
])}


def cases(case):
    """Score cases: `case(...)` from generate.py plus a `responses` mapping doc_id -> text."""

    def with_responses(c, responses):
        c["responses"] = responses
        return c

    return [
        with_responses(case("gsm8k_scores", "gsm8k", "data/gsm8k", num_fewshot=5), GSM8K),
        with_responses(case("bbh_cot_fewshot_boolean_expressions_scores", "bbh_cot_fewshot_boolean_expressions",
                            "data/bbh/boolean_expressions"), BBH_BOOLEAN),
        with_responses(case("bbh_cot_fewshot_object_counting_scores", "bbh_cot_fewshot_object_counting",
                            "data/bbh/object_counting"), BBH_COUNTING),
        with_responses(case("mmlu_anatomy_generative_scores", "mmlu_anatomy_generative", "data/mmlu/anatomy",
                            num_fewshot=5), MMLU_ANATOMY),
        with_responses(case("mmlu_pro_biology_scores", "mmlu_pro_biology", "data/mmlu_pro"), _mmlu_pro()),
        with_responses(case("nq_open_scores", "nq_open", "data/nq_open", num_fewshot=5), NQ_OPEN),
        with_responses(case("leaderboard_math_algebra_hard_scores", "leaderboard_math_algebra_hard",
                            "data/hendrycks_math/algebra"), MATH_ALGEBRA),
        with_responses(case("bigbench_date_understanding_scores", "bigbench_date_understanding",
                            "data/bigbench/date_understanding", tasks_dir="bundled"), BIGBENCH_DATE),
        with_responses(case("bigbench_dyck_languages_scores", "bigbench_dyck_languages",
                            "data/bigbench/dyck_languages", tasks_dir="bundled"), BIGBENCH_DYCK),
        with_responses(case("bigbench_boolean_expressions_scores", "bigbench_boolean_expressions",
                            "data/bigbench/boolean_expressions", tasks_dir="bundled"), BIGBENCH_BOOLEAN),
        with_responses(case("bigbench_word_sorting_cot_scores", "bigbench_word_sorting_cot",
                            "data/bigbench/word_sorting", tasks_dir="bundled"), BIGBENCH_WORD_SORTING_COT),
        with_responses(case("bigbench_object_counting_cot_scores", "bigbench_object_counting_cot",
                            "data/bigbench/object_counting", tasks_dir="bundled"), BIGBENCH_COUNTING_COT),
        with_responses(case("babi_task_01_scores", "babi-task_01-single_supporting_fact", "data/babi/task_1",
                            tasks_dir="original", num_fewshot=3), BABI_TASK_01),
        with_responses(case("babisteps_task_01_scores", "babisteps-task_01-simpletracking", "data/babisteps/simpletracking",
                            tasks_dir="original"), BABISTEPS_TASK_01),
        with_responses(case("babisteps_task_04_listing_scores", "babisteps-task_04-listing", "data/babisteps/listing",
                            tasks_dir="original"), BABISTEPS_LISTING),
        with_responses(case("babisteps_chat_cot_task_04_listing_scores", "babisteps-chat-cot-task_04-listing",
                            "data/babisteps/listing", tasks_dir="original", chat=True), BABISTEPS_CHAT_COT_LISTING),
        with_responses(case("mmlu_pro_category_biology_scores", "mmlu_pro-category_biology", "data/mmlu_pro_categories/biology",
                            tasks_dir="original"), MMLU_PRO_CATEGORY),
    ]
