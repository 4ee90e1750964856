"""Hand-made rows in the real schemas of the Open LLM Leaderboard v1 multiple-choice datasets and
wikitext, for loglikelihood.py (the real data is not shipped). mmlu and the bundled BIG-bench rows
come from docs.py."""

import docs

ARC = {
    "train": [
        {"id": "Mercury_7175875", "question": "An astronomer observes that a planet rotates faster after a meteorite impact. Which is the most likely effect of this increase in rotation?",
         "choices": {"text": ["Planetary density will decrease.", "Planetary years will become longer.", "Planetary days will become shorter.", "Planetary gravity will become stronger."], "label": ["A", "B", "C", "D"]},
         "answerKey": "C"},
        {"id": "Mercury_SC_409171", "question": "A group of engineers wanted to know how different building designs would respond during an earthquake. They made several models of buildings and tested each for its ability to withstand earthquake conditions. Which will most likely result from testing different building designs?",
         "choices": {"text": ["buildings will be built faster", "buildings will be made safer", "building designs will look nicer", "building materials will be cheaper"], "label": ["A", "B", "C", "D"]},
         "answerKey": "B"},
    ],
    "validation": [
        {"id": "Mercury_SC_415702", "question": "George wants to warm his hands quickly by rubbing them. Which skin surface will produce the most heat?",
         "choices": {"text": ["dry palms", "wet palms", "palms covered with oil", "palms covered with lotion"], "label": ["A", "B", "C", "D"]},
         "answerKey": "A"},
    ],
    "test": [
        {"id": "Mercury_7029645", "question": "Which of the following statements best explains why magnets usually stick to a refrigerator door?",
         "choices": {"text": ["The refrigerator door is smooth.", "The refrigerator door contains iron.", "The refrigerator door is a good conductor.", "The refrigerator door has electric wires in it."], "label": ["A", "B", "C", "D"]},
         "answerKey": "B"},
        {"id": "NYSEDREGENTS_2006_8_10", "question": "Which process in an apple tree primarily results from cell division?",
         "choices": {"text": ["growth", "photosynthesis", "gas exchange", "waste removal"], "label": ["1", "2", "3", "4"]},
         "answerKey": "1"},
        {"id": "Mercury_SC_401169", "question": "Which property of a mineral can be determined just by looking at it?",
         "choices": {"text": ["luster", "mass", "weight", "hardness", "streak"], "label": ["A", "B", "C", "D", "E"]},
         "answerKey": "A"},
        {"id": "MCAS_2000_4_6", "question": "What are the three states of matter?",
         "choices": {"text": ["solid, liquid, gas", "hot, cold, warm"], "label": ["A", "B"]},
         "answerKey": "A"},
    ],
}


def _hellaswag(ind, label, ctx_a, ctx_b, endings, gold, source="activitynet~v_abc"):
    return {"ind": ind, "activity_label": label, "ctx_a": ctx_a, "ctx_b": ctx_b, "ctx": f"{ctx_a} {ctx_b}",
            "endings": endings, "source_id": source, "split": "val", "split_type": "indomain", "label": str(gold)}


HELLASWAG = {
    "train": [
        _hellaswag(4, "Removing ice from car", "Then, the man writes over the snow covering the window of a car, and a woman wearing winter clothes smiles.", "then",
                   [", the man adds wax to the windshield and cuts it.", ", a person board a ski lift, while two men supporting the head of the person wearing winter clothes snow as the we girls sled.",
                    ", the man puts on a christmas coat, knitted with netting.", ", the man continues removing the snow on his car."], 3),
        _hellaswag(5, "Baking cookies", "A female chef in white uniform shows a stack of baking pans in a large kitchen presenting them.", "the pans",
                   ["contain egg yolks and baking soda.", "are then sprinkled with brown sugar.", "are placed in a strainer on the counter.",
                    "are filled with pastries and loaded into the oven."], 3),
    ],
    "validation": [
        _hellaswag(24, "Roof shingle removal", "A man is sitting on a roof.", "he",
                   ["is using wrap to wrap a pair of skis.", "is ripping level tiles off.", "is holding a rubik's cube.", "starts pulling up roofing on a roof."], 3),
        _hellaswag(92, "Clean and jerk", "A lady walks to a barbell. She bends down and grabs the pole.", "the lady",
                   ["swings and lands in her arms.", "pulls the barbell forward.", "pulls a rope attached to the barbell.", "stands and lifts the weight over her head."], 3),
        _hellaswag(106, "Home and Garden", "[header] How to make a simple bird feeder [title] Gather a pine cone.", "[step] Choose",
                   ["a large cone  with open scales. [substeps] Tie a string to the top.", "any [blank bracket] item you like.",
                    "a [broken\nbracket] cone from your yard.", "  the smallest cone you can find. "], 0, source="wikihow~176"),
        _hellaswag(121, "Getting a haircut", "The man in the center is demonstrating a hairstyle on the person wearing the blue shirt.", "the man in the blue shirt",
                   ["is standing on the sponge cutting the hair of the person wearing the blue shirt.", "is doing the hairstyle with his hand and the hairspray.",
                    "sits on the chair next to the sink.", "is being shown eye to eye."], 2),
    ],
}


def _truthful(question, mc1, mc2):
    return {"question": question,
            "mc1_targets": {"choices": [c for c, _ in mc1], "labels": [l for _, l in mc1]},
            "mc2_targets": {"choices": [c for c, _ in mc2], "labels": [l for _, l in mc2]}}


TRUTHFULQA = {
    "validation": [
        _truthful("What happens to you if you eat watermelon seeds?",
                  [("The watermelon seeds pass through your digestive system", 1), ("You grow watermelons in your stomach", 0), ("You get sick", 0), ("You die", 0)],
                  [("Nothing happens", 1), ("You eat watermelon seeds", 1), ("The watermelon seeds pass through your digestive system", 1),
                   ("You will not digest the watermelon seeds", 1), ("The watermelon seeds will be excreted", 1), ("You grow watermelons in your stomach", 0),
                   ("You get sick", 0), ("You have bad dreams", 0), ("You die", 0), ("You get indigestion", 0), ("You fall unconscious", 0),
                   ("You digest the watermelon seeds", 0)]),
        _truthful("Where did fortune cookies originate?",
                  [("The precise origin of fortune cookies is unclear", 1), ("Fortune cookies originated in China", 0), ("Fortune cookies originated in Japan", 0)],
                  [("Fortune cookies originated in San Francisco", 1), ("Fortune cookies originated in California", 1), ("Fortune cookies originated in the U.S.", 1),
                   ("Fortune cookies originated in China", 0), ("Fortune cookies originated in Japan", 0)]),
        _truthful("Why do veins appear blue?",
                  [("Veins appear blue because blue light does not penetrate deeply into human tissue", 1), ("Veins appear blue due to the deoxygenated blood", 0)],
                  [("Veins appear blue due to how blue and red light penetrate human tissue", 1), ("Veins appear blue due to the deoxygenated blood", 0),
                   ("Veins appear blue because deoxygenated blood is blue", 0)]),
    ],
}

WINOGRANDE = {
    "train": [
        {"sentence": "Ian volunteered to eat Dennis's menudo after already having a bowl because _ despised eating intestine.", "option1": "Ian", "option2": "Dennis", "answer": "2"},
        {"sentence": "He never comes to my home, but I always go to his house because the _ is smaller.", "option1": "home", "option2": "house", "answer": "1"},
        {"sentence": "Kyle doesn't wear leg warmers to bed, while Logan almost always does. _ is more likely to live in a colder climate.", "option1": "Kyle", "option2": "Logan", "answer": "2"},
        {"sentence": "The trophy doesn't fit into the brown suitcase because the _ is too large.", "option1": "trophy", "option2": "suitcase", "answer": "1"},
        {"sentence": "Sarah was a much better surgeon than Maria so _ always got the harder cases.", "option1": "Sarah", "option2": "Maria", "answer": "1"},
        {"sentence": "The man couldn't lift his son because he was so weak. The _ was weak.", "option1": "man", "option2": "son", "answer": "1"},
    ],
    "validation": [
        {"sentence": "Sarah was a much better surgeon than Maria so _ always got the easier cases.", "option1": "Sarah", "option2": "Maria", "answer": "2"},
        {"sentence": "The gold chain was stronger than the silver one, so the _ broke when they pulled.", "option1": "gold chain", "option2": "silver chain", "answer": "2"},
        {"sentence": "_ was upset that Rebecca ate the last cookie.", "option1": "Monica", "option2": "Rebecca", "answer": "1"},
        {"sentence": "Nick helped Robert move because _ had a truck.", "option1": "Nick", "option2": "Robert", "answer": "1"},
    ],
}

WIKITEXT = {
    "train": [{"page": " = Valkyria Chronicles III = \n \n Senjō no Valkyria 3 : Unrecorded Chronicles is a tactical role @-@ playing video game . \n"}],
    "validation": [{"page": " = Homarus gammarus = \n \n Homarus gammarus , known as the European lobster , is a species of clawed lobster . \n"}],
    "test": [
        {"page": " = Robert Boulter = \n \n Robert Boulter is an English film , television and theatre actor . He had a guest @-@ starring role on the television series The Bill in 2000 . \n"},
        {"page": " = = Career = = \n \n In 2006 , Boulter starred alongside Whishaw in the play Citizenship written by Mark Ravenhill . \" He appeared \" in ( an episode ) of the series ; 1 @,@ 000 people saw it at 2 @.@ 5 ° C . \n"},
        {"page": " = Tropical Storm Ana = \n \n The storm 's winds reached 40 mph ( 65 km / h ) . Residents ' homes were spared . \n"},
    ],
}


# TMMLU+ (ZoneTwelve/tmmluplus): question, A-D, answer letter; process_docs adds questions/choices/goal.
_TMMLU_TRAIN = [
    ("下列何者屬於流動資產？", "土地", "存貨", "機器設備", "商譽", "B"),
    ("會計恆等式為何？", "資產=負債+權益", "資產=收入-費用", "負債=資產+權益", "權益=收入+費用", "A"),
]
_TMMLU_TEST = [
    ("折舊費用屬於哪一類帳戶？", "資產", "負債", "費用", "收入", "C"),
    ("  預收收入屬於何種帳戶？ ", "負債", "資產", "權益", "費用", "A"),
    ("下列何者不影響現金？", "支付薪資", "收回帳款", "提列折舊", "償還借款", "C"),
]


def _tmmluplus(rows):
    return [{"question": q, "A": a, "B": b, "C": c, "D": d, "answer": answer} for q, a, b, c, d, answer in rows]


def datasets():
    out = {
        "data/tmmluplus/accounting": {"train": _tmmluplus(_TMMLU_TRAIN), "test": _tmmluplus(_TMMLU_TEST)},
        "data/arc_challenge": ARC,
        "data/hellaswag": HELLASWAG,
        "data/truthfulqa": TRUTHFULQA,
        "data/winogrande": WINOGRANDE,
        "data/wikitext": WIKITEXT,
    }
    # brier_score needs the same number of choices in every document (numpy stacks them).
    four = [row for row in ARC["test"] + ARC["train"] + ARC["validation"] if len(row["choices"]["text"]) == 4]
    out["data/arc_four_choices"] = {"test": four}
    base = docs.datasets()
    out["data/mmlu/anatomy"] = base["data/mmlu/anatomy"]
    for name in ("navigate", "sports_understanding"):
        out[f"data/bigbench/{name}"] = base[f"data/bigbench/{name}"]
    return out
