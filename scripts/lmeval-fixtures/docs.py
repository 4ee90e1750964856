"""Small hand-made documents in each lm-eval dataset's real schema (and copies of bundled rows).

`datasets()` returns {folder: {split: [row, ...]}}; folders are relative to the fixture root
(Tests/LMEvalTests/Fixtures/parity/). Every row is written by hand or computed here, so the
fixtures never depend on a download. Answers are correct, so score fixtures make sense.
"""

from __future__ import annotations

import datetime
import json
import os
import random

BUNDLED_DATASETS = os.path.join(os.path.dirname(__file__), "..", "..", "datasets")
BIGBENCH_TEST_ROWS = 12

# --- gsm8k (question / answer ending "#### N") -------------------------------------------

_GSM = [
    ("Mia buys 3 packs of pencils with 12 pencils in each pack. She gives 9 pencils to her brother. How many pencils does she have left?",
     "Mia buys 3*12=<<3*12=36>>36 pencils.\nAfter giving 9 away she has 36-9=<<36-9=27>>27 pencils.", "27"),
    ("A bakery sells muffins for $2 each and cookies for $1 each. On Monday it sold 45 muffins and 60 cookies. How much money did it make?",
     "The muffins brought in 45*2=$<<45*2=90>>90.\nThe cookies brought in 60*1=$<<60*1=60>>60.\nIn total it made 90+60=$<<90+60=150>>150.", "150"),
    ("Carlos runs 4 miles every weekday and 6 miles on Saturday. He rests on Sunday. How many miles does he run in a week?",
     "On weekdays he runs 5*4=<<5*4=20>>20 miles.\nWith Saturday he runs 20+6=<<20+6=26>>26 miles.", "26"),
    ("A garden has 8 rows of tomato plants with 7 plants in each row. Each plant gives 5 tomatoes. How many tomatoes does the garden give?",
     "There are 8*7=<<8*7=56>>56 plants.\nThey give 56*5=<<56*5=280>>280 tomatoes.", "280"),
    ("Priya had $120. She spent a quarter of it on a book and $35 on lunch. How much money does she have now?",
     "A quarter of $120 is 120/4=$<<120/4=30>>30.\nShe spent 30+35=$<<30+35=65>>65.\nShe has 120-65=$<<120-65=55>>55 left.", "55"),
    ("A train travels at 60 miles per hour for 2.5 hours. How many miles does it travel?",
     "Distance is speed times time: 60*2.5=<<60*2.5=150>>150 miles.", "150"),
    ("Liam collects 15 stamps a month. How many stamps will he have after 2 years if he starts with 40 stamps?",
     "2 years is 2*12=<<2*12=24>>24 months.\nHe collects 24*15=<<24*15=360>>360 stamps.\nHe will have 40+360=<<40+360=400>>400 stamps.", "400"),
    ("A class of 28 students splits into groups of 4. Each group needs 3 markers. How many markers does the class need?",
     "There are 28/4=<<28/4=7>>7 groups.\nThey need 7*3=<<7*3=21>>21 markers.", "21"),
    ("Noah's water tank holds 1,200 liters. It is 3/4 full and he uses 250 liters. How many liters are left?",
     "The tank has 1200*3/4=<<1200*3/4=900>>900 liters.\nAfter using 250 liters, 900-250=<<900-250=650>>650 liters are left.", "650"),
    ("A shirt costs $40 and is on sale for 15% off. How much does the shirt cost on sale?",
     "The discount is 40*0.15=$<<40*0.15=6>>6.\nThe sale price is 40-6=$<<40-6=34>>34.", "34"),
    ("Emma reads 25 pages on Monday and twice as many on Tuesday. Her book has 180 pages. How many pages are left to read?",
     "On Tuesday she reads 25*2=<<25*2=50>>50 pages.\nShe has read 25+50=<<25+50=75>>75 pages.\nShe has 180-75=<<180-75=105>>105 pages left.", "105"),
    ("A farmer has 36 chickens and 12 cows. How many legs do the animals have in total?",
     "The chickens have 36*2=<<36*2=72>>72 legs.\nThe cows have 12*4=<<12*4=48>>48 legs.\nTogether they have 72+48=<<72+48=120>>120 legs.", "120"),
    ("Sofia saves $15 a week. How many weeks does she need to save to buy a bike that costs $210?",
     "She needs 210/15=<<210/15=14>>14 weeks.", "14"),
    ("A pizza is cut into 8 slices. Four friends eat 3 pizzas and each friend eats the same number of slices. How many slices does each friend eat?",
     "3 pizzas have 3*8=<<3*8=24>>24 slices.\nEach friend eats 24/4=<<24/4=6>>6 slices.", "6"),
    ("The temperature was -4 degrees in the morning and rose by 11 degrees by noon. What was the temperature at noon?",
     "The temperature at noon was -4+11=<<-4+11=7>>7 degrees.", "7"),
    ("Jack has 5 boxes of 24 crayons. He loses 13 crayons. How many crayons does he have?",
     "He had 5*24=<<5*24=120>>120 crayons.\nAfter losing 13 he has 120-13=<<120-13=107>>107 crayons.", "107"),
    ("A rectangle is 14 cm long and 9 cm wide. What is its perimeter?",
     "The perimeter is 2*(14+9)=<<2*(14+9)=46>>46 cm.", "46"),
    ("Olivia earns $18 an hour and works 6 hours a day for 5 days. How much does she earn?",
     "She works 6*5=<<6*5=30>>30 hours.\nShe earns 30*18=$<<30*18=540>>540.", "540"),
    ("A bus has 52 seats. At the first stop 19 people get on and at the second stop 14 more get on. How many seats are still empty?",
     "19+14=<<19+14=33>>33 people are on the bus.\n52-33=<<52-33=19>>19 seats are empty.", "19"),
    ("Ben bought 3 notebooks at $2.50 each and a pen for $1.75. He paid with a $20 bill. How much change did he get?",
     "The notebooks cost 3*2.50=$<<3*2.50=7.50>>7.50.\nWith the pen he spent 7.50+1.75=$<<7.50+1.75=9.25>>9.25.\nHis change is 20-9.25=$<<20-9.25=10.75>>10.75.", "10.75"),
]


def _gsm(rows):
    return [{"question": q, "answer": f"{s}\n#### {a}"} for q, s, a in rows]


# --- bbh (input / target) ----------------------------------------------------------------

_BOOL_EXPRS = [
    "not ( True ) and ( True ) is",
    "True and not not ( not False ) is",
    "not True or ( False and True ) is",
    "False or not ( True and False ) is",
    "( not False ) and False or True is",
    "not not not not True and False is",
    "True or False and not True or False is",
    "( True and not True ) or False is",
    "not ( False or False ) and True is",
    "False and True or not False and False is",
]


def _bbh_boolean_expressions():
    return [{"input": e, "target": str(eval(e[: -len(" is")]))} for e in _BOOL_EXPRS]


_DATE_QUESTIONS = [
    ("Today is Christmas Eve of 1937.", datetime.date(1937, 12, 24), "tomorrow", 1),
    ("Jane was born on the last day of February in 2001. Today is her 16-year-old birthday.", datetime.date(2017, 2, 28), "yesterday", -1),
    ("The concert was scheduled to be on 06/01/1943, but was delayed by one day to today.", datetime.date(1943, 6, 2), "10 days ago", -10),
    ("Today is 3/5, and it is Jane's second time in the year 1973 to see a meteor shower.", datetime.date(1973, 3, 5), "a month ago", -28),
    ("It is 4/19/1969 today.", datetime.date(1969, 4, 19), "24 hours later", 1),
    ("Yesterday was 12/31/1929.", datetime.date(1930, 1, 1), "today", 0),
    ("Today is the first day of 2007.", datetime.date(2007, 1, 1), "one week ago", -7),
    ("Jane booked a flight for tomorrow, Jul 29, 2002.", datetime.date(2002, 7, 28), "one year ago", -365),
    ("The deadline is Jun 1, 2021, which is 2 days away from now.", datetime.date(2021, 5, 30), "tomorrow", 1),
    ("Today, 8/3/1997, is a day that we will never forget.", datetime.date(1997, 8, 3), "one week from today", 7),
]


def _bbh_date_understanding():
    rows = []
    for i, (context, today, what, delta) in enumerate(_DATE_QUESTIONS):
        answer = today + datetime.timedelta(days=delta)
        rnd = random.Random(f"bbh-date-{i}")
        wrong = set()
        while len(wrong) < 5:
            cand = answer + datetime.timedelta(days=rnd.choice([-31, -30, -7, -2, -1, 1, 2, 7, 30, 365, -365]))
            if rnd.random() < 0.3:
                cand = cand.replace(year=cand.year + rnd.choice([-20, -1, 1, 20]))
            if cand != answer:
                wrong.add(cand)
        options = [answer] + sorted(wrong)
        rnd.shuffle(options)
        letters = "ABCDEF"
        opt_text = "\n".join(f"({letters[j]}) {d.strftime('%m/%d/%Y')}" for j, d in enumerate(options))
        rows.append({
            "input": f"{context} What is the date {what} in MM/DD/YYYY?\nOptions:\n{opt_text}",
            "target": f"({letters[options.index(answer)]})",
        })
    return rows


_COUNTING = [
    ("I have a flute, a piano, and a trombone.", "musical instruments", 3),
    ("I have a cat, two dogs, a goat, and three rabbits.", "animals", 7),
    ("I have a chair, two tables, a couch, and a bed.", "objects", 5),
    ("I have a head of broccoli, two carrots, an onion, a potato, and three yams.", "vegetables", 8),
    ("I have an apple, a banana, two peaches, and a plum.", "fruits", 5),
    ("I have a violin, two drums, an accordion, and a trumpet.", "musical instruments", 5),
    ("I have a snail, a fish, a frog, four mice, and a bear.", "animals", 8),
    ("I have a microwave, a lamp, three stoves, a toaster, two ovens, and a fridge.", "objects", 9),
    ("I have a nectarine, a blackberry, an orange, three raspberries, and a grape.", "fruits", 7),
    ("I have a cauliflower, a stalk of celery, a cabbage, two garlics, and a lettuce head.", "vegetables", 6),
]


def _bbh_object_counting():
    return [{"input": f"{s} How many {what} do I have?", "target": str(n)} for s, what, n in _COUNTING]


# --- mmlu (question / subject / choices / answer) ---------------------------------------

_ANATOMY_DEV = [
    ("Which of the following bones is part of the axial skeleton?", ["Femur", "Sternum", "Radius", "Scapula"], 1),
    ("The heart chamber that pumps oxygenated blood into the aorta is the", ["right atrium", "right ventricle", "left atrium", "left ventricle"], 3),
    ("Which cranial nerve controls most of the muscles of facial expression?", ["Trigeminal nerve", "Facial nerve", "Vagus nerve", "Hypoglossal nerve"], 1),
    ("The largest organ of the human body by surface area is the", ["liver", "skin", "lung", "small intestine"], 1),
    ("Which structure connects muscle to bone?", ["Ligament", "Tendon", "Cartilage", "Fascia"], 1),
]
_ANATOMY_TEST = [
    ("How many pairs of ribs does a typical adult human have?", ["10", "11", "12", "14"], 2),
    ("The functional unit of the kidney is the ", ["neuron", "nephron", "alveolus", "osteon"], 1),
    ("Which bone forms the lower jaw?", ["Maxilla", "Mandible", "Zygomatic bone", "Vomer"], 1),
    ("The pacemaker of the heart is the", ["atrioventricular node", "bundle of His", "sinoatrial node", "Purkinje fibres"], 2),
    ("Which part of the brain coordinates balance and fine movement?", ["Cerebellum", "Medulla oblongata", "Thalamus", "Hypothalamus"], 0),
    ("Proximally, the femur articulates with the", ["tibia", "patella", "acetabulum of the hip bone", "fibula"], 2),
    ("Which vessel carries deoxygenated blood from the heart to the lungs?", ["Pulmonary vein", "Aorta", "Pulmonary trunk", "Superior vena cava"], 2),
    ("The diaphragm is innervated by the", ["phrenic nerve", "vagus nerve", "intercostal nerves", "accessory nerve"], 0),
    ("Which of these is a carpal bone?", ["Talus", "Scaphoid", "Cuboid", "Calcaneus"], 1),
    ("Bile produced by the liver is stored in the", ["pancreas", "gallbladder", "duodenum", "spleen"], 1),
]
_PHYSICS_DEV = [
    ("A car accelerates uniformly from rest to 20 m/s in 5 s. What is its acceleration?", ["2 m/s^2", "4 m/s^2", "5 m/s^2", "100 m/s^2"], 1),
    ("Which quantity is a vector?", ["Speed", "Mass", "Displacement", "Energy"], 2),
    ("The SI unit of electric charge is the", ["volt", "ampere", "coulomb", "ohm"], 2),
    ("An object in free fall near Earth's surface has an acceleration of about", ["1 m/s^2", "9.8 m/s^2", "98 m/s^2", "0 m/s^2"], 1),
    ("Two resistors of 4 ohms and 6 ohms are connected in series. The equivalent resistance is", ["2.4 ohms", "10 ohms", "24 ohms", "1.5 ohms"], 1),
]
_PHYSICS_TEST = [
    ("A 2 kg object moves at 3 m/s. What is its kinetic energy?", ["3 J", "6 J", "9 J", "18 J"], 2),
    ("What is the momentum of a 5 kg ball moving at 4 m/s?", ["1.25 kg m/s", "9 kg m/s", "20 kg m/s", "80 kg m/s"], 2),
    ("Sound waves in air are", ["transverse", "longitudinal", "electromagnetic", "polarized"], 1),
    # Identical to dev row 2 on purpose: first_n drops a few-shot row equal to the document.
    _PHYSICS_DEV[2],
    ("A force of 10 N acts on a 2 kg mass. The acceleration of the mass is", ["0.2 m/s^2", "5 m/s^2", "12 m/s^2", "20 m/s^2"], 1),
    ("The frequency of a wave with a period of 0.5 s is", ["0.5 Hz", "1 Hz", "2 Hz", "5 Hz"], 2),
    ("Light travels fastest in", ["water", "glass", "vacuum", "diamond"], 2),
    ("What is the power of a device that does 600 J of work in 30 s?", ["20 W", "180 W", "570 W", "18000 W"], 0),
    ("Two 6-ohm resistors in parallel have an equivalent resistance of", ["3 ohms", "6 ohms", "12 ohms", "36 ohms"], 0),
    ("A 5 N force moves an object 3 m in the direction of the force. The work done is", ["1.67 J", "8 J", "15 J", "2 J"], 2),
]


def _mmlu(rows, subject):
    return [{"question": q, "subject": subject, "choices": c, "answer": a} for q, c, a in rows]


# --- mmlu_pro (question_id / question / options / answer / answer_index / cot_content / category / src)

_LETTERS = "ABCDEFGHIJ"
_PRO_VALIDATION = [
    ("biology", "Which of the following is the site of protein synthesis in a cell?",
     ["Nucleus", "Ribosome", "Golgi apparatus", "Lysosome", "Mitochondrion", "Vacuole", "Centriole", "Peroxisome", "Cell wall", "Chloroplast"], 1,
     "A: Let's think step by step. Proteins are assembled from amino acids by ribosomes, either free in the cytoplasm or bound to the endoplasmic reticulum. The answer is (B)."),
    ("chemistry", "What is the pH of a 0.01 M solution of HCl?",
     ["1", "2", "3", "7", "12", "0.01", "10", "4"], 1,
     "A: Let's think step by step. HCl is a strong acid, so [H+] = 0.01 M and pH = -log(0.01) = 2. The answer is (B)."),
    ("biology", "In humans, which blood cells are mainly responsible for transporting oxygen?",
     ["Neutrophils", "Platelets", "Lymphocytes", "Erythrocytes", "Monocytes", "Basophils", "Eosinophils", "Macrophages", "Mast cells", "Plasma cells"], 3,
     "A: Let's think step by step. Red blood cells (erythrocytes) carry hemoglobin, which binds oxygen. The answer is (D)."),
    ("biology", "Which process produces two genetically identical daughter cells?",
     ["Meiosis", "Mitosis", "Fertilization", "Crossing over", "Transcription", "Translation", "Binary fusion", "Conjugation"], 1,
     "A: Let's think step by step. Mitosis followed by cytokinesis yields two daughter cells with the same chromosomes as the parent. The answer is (B)."),
    ("law", "Which of the following best describes a tort?",
     ["A criminal offence", "A civil wrong", "A contract term", "A statute", "A constitutional right", "A treaty"], 1,
     "A: Let's think step by step. A tort is a civil wrong that causes harm, for which courts award damages. The answer is (B)."),
    ("biology", "Which molecule carries amino acids to the ribosome during translation?",
     ["mRNA", "rRNA", "tRNA", "DNA polymerase", "snRNA", "Helicase", "Ligase", "Primase", "miRNA", "Histone"], 2,
     "A: Let's think step by step. Transfer RNA (tRNA) binds a specific amino acid and pairs with the codon on the mRNA. The answer is (C)."),
    ("biology", "Photosynthesis in plants takes place mainly in the",
     ["mitochondria", "nucleus", "chloroplasts", "ribosomes", "cell membrane", "vacuole", "cytoskeleton", "endoplasmic reticulum", "Golgi body", "cell wall"], 2,
     "A: Let's think step by step. Chloroplasts contain chlorophyll and carry out the light and dark reactions of photosynthesis. The answer is (C)."),
]
_PRO_TEST = [
    ("biology", "Which of the following organelles contains its own DNA?",
     ["Golgi apparatus", "Lysosome", "Mitochondrion", "Ribosome", "Peroxisome", "Endoplasmic reticulum", "Nucleolus", "Vacuole", "Centrosome", "Cytoskeleton"], 2),
    ("biology", "A heterozygous tall pea plant (Tt) is crossed with a short plant (tt). What fraction of the offspring is expected to be short?",
     ["0", "1/4", "1/3", "1/2", "2/3", "3/4", "1", "1/8", "3/8", "5/8"], 3),
    ("economics", "If the price of a good rises and the quantity demanded falls, this illustrates",
     ["the law of supply", "the law of demand", "inflation", "a price ceiling", "elastic supply", "a subsidy"], 1),
    ("biology", "Which base pairs with adenine in DNA?",
     ["Uracil", "Cytosine", "Guanine", "Thymine", "Adenine", "Inosine", "Xanthine", "Hypoxanthine"], 3),
    ("biology", "Enzymes speed up chemical reactions by",
     ["raising the temperature", "lowering the activation energy", "changing the equilibrium constant", "adding energy to the reaction", "being consumed in the reaction", "increasing the concentration of products", "removing water", "changing the products", "lowering the entropy", "raising the pressure"], 1),
    ("physics", "What is the unit of force in the SI system?",
     ["Joule", "Watt", "Newton", "Pascal", "Coulomb", "Tesla", "Henry"], 2),
    ("biology", "Which part of a plant cell gives it rigid structure?",
     ["Cell membrane", "Cell wall", "Cytoplasm", "Nucleus", "Chloroplast", "Mitochondrion", "Ribosome", "Vacuole membrane", "Plasmodesma", "Golgi body"], 1),
    ("biology", "In which phase of mitosis do sister chromatids separate?",
     ["Prophase", "Metaphase", "Anaphase", "Telophase", "Interphase", "Cytokinesis", "G1", "S phase", "G2", "Prometaphase"], 2),
    ("biology", "Which of the following is an example of a homologous structure?",
     ["The wing of a bat and the arm of a human", "The wing of a bird and the wing of an insect", "The eye of an octopus and the eye of a fish", "The fin of a shark and the flipper of a dolphin", "The spine of a cactus and the thorn of a rose", "The shell of a snail and the shell of a turtle"], 0),
    ("history", "In which year did World War I begin?",
     ["1905", "1912", "1914", "1918", "1939", "1945", "1899", "1920"], 2),
    ("biology", "The primary function of white blood cells is to",
     ["carry oxygen", "clot blood", "fight infection", "store fat", "produce hormones", "transport nutrients", "digest food", "regulate temperature", "make bile", "filter urine"], 2),
    ("biology", "Which of these molecules is a polysaccharide?",
     ["Glucose", "Fructose", "Sucrose", "Starch", "Lactose", "Ribose", "Galactose", "Maltose", "Glycerol", "Alanine"], 3),
    ("biology", "Which gas is released as a by-product of photosynthesis?",
     ["Carbon dioxide", "Nitrogen", "Oxygen", "Methane", "Hydrogen", "Ammonia", "Ozone", "Argon", "Sulfur dioxide", "Water vapour"], 2),
    ("biology", "Natural selection acts directly on an organism's",
     ["genotype only", "phenotype", "mutation rate", "DNA sequence only", "chromosome number", "ribosomes", "gametes only", "offspring number only", "habitat", "species name"], 1),
    ("biology", "Which structure in the human body produces insulin?",
     ["Liver", "Pancreas", "Kidney", "Thyroid", "Adrenal gland", "Spleen", "Stomach", "Pituitary gland", "Gallbladder", "Thymus"], 1),
    ("psychology", "Classical conditioning was first described by",
     ["B. F. Skinner", "Ivan Pavlov", "Sigmund Freud", "Jean Piaget", "Carl Rogers", "Albert Bandura", "John Watson", "Abraham Maslow"], 1),
]


def _mmlu_pro(rows, with_cot, start_id, src_suffix="high_school_biology"):
    out = []
    for i, row in enumerate(rows):
        category, question, options, index = row[:4]
        out.append({
            "question_id": start_id + i,
            "question": question,
            "options": options,
            "answer": _LETTERS[index],
            "answer_index": index,
            "cot_content": row[4] if with_cot else "",
            "category": category,
            "src": f"ori_mmlu-{src_suffix if category == 'biology' else category}",
        })
    return out


# --- hendrycks MATH (problem / level / type / solution) ----------------------------------

_MATH_ALGEBRA = [
    ("What is the sum of all values of $x$ that satisfy $x^2 = 7x - 12$?", "Level 5",
     "Rearranging gives $x^2 - 7x + 12 = 0$, which factors as $(x-3)(x-4) = 0$. The solutions are $3$ and $4$, so their sum is $3 + 4 = \\boxed{7}$."),
    ("What is $2 + 3 \\cdot 4$?", "Level 1",
     "Multiplication comes first: $3 \\cdot 4 = 12$, so $2 + 12 = \\boxed{14}$."),
    ("If $f(x) = 3x + 2$ and $g(x) = x^2 - 1$, what is $f(g(3))$?", "Level 5",
     "First $g(3) = 3^2 - 1 = 8$. Then $f(8) = 3 \\cdot 8 + 2 = \\boxed{26}$."),
    ("Find the slope of the line through $(2, 5)$ and $(6, -3)$.", "Level 5",
     "The slope is $\\frac{-3 - 5}{6 - 2} = \\frac{-8}{4} = \\boxed{-2}$."),
    ("Evaluate $\\log_2 64 + \\log_3 81$.", "Level 5",
     "Since $2^6 = 64$ and $3^4 = 81$, the sum is $6 + 4 = \\boxed{10}$."),
    ("Solve for $x$: $2x = 10$.", "Level 1",
     "Dividing both sides by $2$ gives $x = \\boxed{5}$."),
    ("For what positive value of $k$ does $x^2 + kx + 9 = 0$ have exactly one real solution?", "Level 5",
     "There is exactly one solution when the discriminant is zero: $k^2 - 36 = 0$, so $k = \\pm 6$. The positive value is $k = \\boxed{6}$."),
    ("Solve for $x$: $\\sqrt{2x + 5} = x + 1$.", "Level 5",
     "Squaring gives $2x + 5 = x^2 + 2x + 1$, so $x^2 = 4$ and $x = \\pm 2$. Since $x + 1 \\ge 0$, only $x = \\boxed{2}$ works."),
    ("Expand $(x + 1)^2$.", "Level 2",
     "$(x + 1)^2 = x^2 + 2x + 1$, so the answer is $\\boxed{x^2 + 2x + 1}$."),
    ("The sum of two numbers is $22$ and their difference is $4$. What is their product?", "Level 5",
     "The numbers are $\\frac{22 + 4}{2} = 13$ and $\\frac{22 - 4}{2} = 9$, so their product is $13 \\cdot 9 = \\boxed{117}$."),
    ("What is the largest integer $n$ such that $n^2 - 11n + 24 < 0$?", "Level 5",
     "Factoring gives $(n - 3)(n - 8) < 0$, which holds for $3 < n < 8$. The largest integer is $\\boxed{7}$."),
    ("What is $5^2$?", "Level 1",
     "$5^2 = 5 \\cdot 5 = \\boxed{25}$."),
    ("If $x \\neq 3$, what is the value of $\\frac{x^2 - 9}{x - 3}$ when $x = 10$?", "Level 5",
     "Since $\\frac{x^2 - 9}{x - 3} = x + 3$ for $x \\neq 3$, the value is $10 + 3 = \\boxed{13}$."),
    ("An infinite geometric series has first term $12$ and sum $48$. What is its common ratio? Express your answer as a common fraction.", "Level 5",
     "From $\\frac{12}{1 - r} = 48$ we get $1 - r = \\frac{1}{4}$, so $r = \\boxed{\\frac{3}{4}}$."),
]
_MATH_TRAIN = [
    ("What is $7 + 8$?", "Level 1", "$7 + 8 = \\boxed{15}$."),
    ("Solve for $y$: $3y - 4 = 11$.", "Level 2", "Adding $4$ gives $3y = 15$, so $y = \\boxed{5}$."),
    ("What is the positive difference between the roots of $x^2 - 10x + 21 = 0$?", "Level 5",
     "The equation factors as $(x - 3)(x - 7) = 0$, so the roots are $3$ and $7$ and their difference is $\\boxed{4}$."),
]


def _math(rows):
    return [{"problem": p, "level": lvl, "type": "Algebra", "solution": s} for p, lvl, s in rows]


# --- nq_open (question / answer: list of aliases) --------------------------------------------

_NQ_TRAIN = [
    ("who wrote the novel pride and prejudice", ["Jane Austen"]),
    ("what is the capital city of australia", ["Canberra"]),
    ("how many players are on a soccer team on the field", ["11", "eleven"]),
    ("who painted the mona lisa", ["Leonardo da Vinci", "da Vinci"]),
    ("what is the largest planet in our solar system", ["Jupiter"]),
    ("when did the first man land on the moon", ["1969", "July 20, 1969"]),
    ("what is the chemical symbol for gold", ["Au"]),
    ("who is known as the father of computers", ["Charles Babbage"]),
]
_NQ_VALIDATION = [
    ("what is the longest river in africa", ["the Nile", "Nile"]),
    ("who discovered penicillin", ["Alexander Fleming"]),
    ("how many continents are there on earth", ["7", "seven"]),
    ("what language is spoken in brazil", ["Portuguese"]),
    ("who wrote the play romeo and juliet", ["William Shakespeare", "Shakespeare"]),
    ("what is the boiling point of water in celsius", ["100", "100 degrees Celsius"]),
    ("which planet is known as the red planet", ["Mars"]),
    ("what is the smallest prime number", ["2", "two"]),
    ("who was the first president of the united states", ["George Washington"]),
    ("what is the hardest natural substance", ["diamond", "a diamond"]),
    ("in which country are the pyramids of giza", ["Egypt"]),
    ("what gas do plants absorb from the air", ["carbon dioxide", "CO2"]),
]


def _nq(rows):
    return [{"question": q, "answer": a} for q, a in rows]


# --- bundled bigbench rows ----------------------------------------------------------------

def _read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def bigbench_names():
    return sorted(os.listdir(os.path.join(BUNDLED_DATASETS, "bigbench")))


def _bigbench(name):
    base = os.path.join(BUNDLED_DATASETS, "bigbench", name)
    return {
        "train": _read_jsonl(os.path.join(base, "train.jsonl")),
        "test": _read_jsonl(os.path.join(base, "test.jsonl"))[:BIGBENCH_TEST_ROWS],
    }


# --- the original's own task folders (PNYX): mmlu_pro_categories, babi_tasks, babisteps ------

def _mmlu_pro_category_biology():
    test = [r for r in _mmlu_pro(_PRO_TEST, with_cot=False, start_id=3000) if r["category"] == "biology"]
    # Past ten options the original's formatting goes on with K, L, … (mmlu_pro's stops at J).
    wide = dict(test[0])
    wide.update(question_id=3999, question="Which of these organelles has a double membrane?",
                options=["Ribosome", "Lysosome", "Vacuole", "Centriole", "Peroxisome", "Golgi apparatus", "Cell wall",
                         "Cytoskeleton", "Flagellum", "Cilium", "Nucleus", "Endosome"],
                answer="K", answer_index=10)
    validation = [r for r in _mmlu_pro(_PRO_VALIDATION, with_cot=True, start_id=70) if r["category"] == "biology"]
    return {"test": test + [wide], "validation": validation}


_BABI = [
    ("Mary moved to the bathroom.\nJohn went to the hallway.\n", "Where is Mary? ", "bathroom"),
    ("Daniel went back to the hallway.\nSandra moved to the garden.\n", "Where is Daniel? ", "hallway"),
    ("John moved to the office.\nSandra journeyed to the bathroom.\n", "Where is Sandra? ", "bathroom"),
    ("Mary travelled to the kitchen.\nDaniel went to the bedroom.\n", "Where is Daniel? ", "bedroom"),
    ("Sandra went to the garden.\nMary moved to the office.\n", "Where is Mary? ", "office"),
    ("John journeyed to the kitchen.\nDaniel travelled to the garden.\n", "Where is John? ", "kitchen"),
    ("Daniel moved to the office.\nJohn went back to the bedroom.\n", "Where is Daniel? ", "office"),
]


def _babi(rows):
    return [{"passage": p, "question": q, "answer": a, "task": 1} for p, q, a in rows]


_BABISTEPS_WORLD = "- a ball\n- a box\n- Alice\n- Bob\n- the kitchen\n- the garden"


def _babisteps(rows, leaf="label"):
    out = []
    for story, question, answer, *rest in rows:
        out.append({
            "world_enumerate": _BABISTEPS_WORLD,
            "story": story,
            "question": question,
            "options": ["the kitchen", "the garden", "unknown"],
            "answer": answer,
            "leaf_label": rest[0] if rest else leaf,
        })
    return out


_BABISTEPS_VALIDATION = [
    ("Alice went to the kitchen. Bob went to the garden.", "Where is Alice?", ["the kitchen"]),
    ("Bob went to the kitchen. Alice went to the garden.", "Where is Bob?", ["the kitchen"]),
    ("Alice went to the garden. Bob stayed in the garden.", "Where is Alice?", ["the garden"]),
    ("Bob went to the garden. Alice went to the kitchen.", "Where is Bob?", ["the garden"]),
]
_BABISTEPS_TEST = [
    ("Alice went to the garden. Then Alice went to the kitchen.", "Where is Alice?", ["the kitchen"]),
    ("Bob went to the kitchen. Then Bob went to the garden.", "Where is Bob?", ["the garden"]),
    ("Alice picked up the ball in the garden.", "Where is the ball?", ["the garden"]),
    ("Bob left. Nobody saw where he went.", "Where is Bob?", ["unknown", "it is not known"]),
    ("Alice went to the kitchen. Bob followed her.", "Where is Bob?", ["the kitchen"]),
]
_BABISTEPS_LISTING_VALIDATION = [
    ("Alice has a ball. Alice has a box.", "What does Alice have?", ["a ball", "a box"], "list"),
    ("Bob has a box.", "What does Bob have?", ["a box"], "list"),
    ("Nobody gave Bob anything.", "What does Bob have?", ["none"], "none"),
    ("Alice has a box. Alice has a ball.", "What does Alice have?", ["a box", "a ball"], "list"),
]
_BABISTEPS_LISTING_TEST = [
    ("Bob has a ball. Bob has a box.", "What does Bob have?", ["a ball", "a box"], "list"),
    ("Alice has a ball.", "What does Alice have?", ["a ball"], "list"),
    ("Nobody gave Alice anything.", "What does Alice have?", ["none", "nothing"], "none"),
    ("Alice gave Bob the ball. Bob has a box.", "What does Bob have?", ["a box", "a ball"], "list"),
]


# --- leaderboard v2 multiple choice (gpqa, musr, mmlu_pro) for the native !functions -------

_GPQA = [
    ("What is the main product of photosynthesis besides oxygen?", "Glucose", "Methane", "Ammonia [title] gas", "Ethanol"),
    ("Which particle has no electric charge?", "Neutron", "Proton", "Electron", "Positron"),
    ("  Which planet has the shortest year? ", "Mercury [1]", "Venus", "Earth", "Mars  moon"),
    ("What is the SI unit of force?", "Newton", "Joule", "Watt", "Pascal"),
    ("Which gas makes up most of Earth's atmosphere?", "Nitrogen", "Oxygen", "Argon", "Carbon dioxide"),
]


def gpqa_rows():
    return [{"Question": q, "Correct Answer": c, "Incorrect Answer 1": a, "Incorrect Answer 2": b,
             "Incorrect Answer 3": d, "Record ID": f"rec{i}", "Subdomain": "General"}
            for i, (q, c, a, b, d) in enumerate(_GPQA)]


def musr_rows():
    return [
        {"narrative": "In the old manor, the butler was found near the library.", "question": "Who is the most likely murderer?",
         "choices": "['Butler', 'Maid']", "answer_index": 0, "answer_choice": "Butler"},
        {"narrative": "Ann put the keys in the drawer, then Tom moved them to the shelf.", "question": "Where will Ann look for the keys?",
         "choices": "['drawer', 'shelf', \"Tom's bag\"]", "answer_index": 0, "answer_choice": "drawer"},
        {"narrative": "Three people must staff two jobs.\nKim is good at cooking.", "question": "Which allocation is best?",
         "choices": '["A: Kim cooks", "B: Kim cleans"]', "answer_index": 0, "answer_choice": "A: Kim cooks"},
    ]


def datasets():
    gsm = _gsm(_GSM)
    platinum = gsm[:13]
    platinum.insert(7, dict(platinum[2]))  # an exact duplicate: the default sampler drops both copies
    out = {
        "data/gsm8k": {"test": gsm[:12], "train": gsm[12:]},
        "data/gsm8k_platinum": {"test": platinum},
        "data/bbh/boolean_expressions": {"test": _bbh_boolean_expressions()},
        "data/bbh/date_understanding": {"test": _bbh_date_understanding()},
        "data/bbh/object_counting": {"test": _bbh_object_counting()},
        "data/mmlu/anatomy": {"test": _mmlu(_ANATOMY_TEST, "anatomy"), "dev": _mmlu(_ANATOMY_DEV, "anatomy")},
        "data/mmlu/high_school_physics": {
            "test": _mmlu(_PHYSICS_TEST, "high_school_physics"),
            "dev": _mmlu(_PHYSICS_DEV, "high_school_physics"),
        },
        "data/mmlu_pro": {
            "test": _mmlu_pro(_PRO_TEST, with_cot=False, start_id=3000),
            "validation": _mmlu_pro(_PRO_VALIDATION, with_cot=True, start_id=70),
        },
        "data/nq_open": {"train": _nq(_NQ_TRAIN), "validation": _nq(_NQ_VALIDATION)},
        "data/hendrycks_math/algebra": {"test": _math(_MATH_ALGEBRA), "train": _math(_MATH_TRAIN)},
    }
    for name in bigbench_names():
        out[f"data/bigbench/{name}"] = _bigbench(name)
    out["data/mmlu_pro_categories/biology"] = _mmlu_pro_category_biology()
    out["data/babi/task_1"] = {"validation": _babi(_BABI[:3]), "test": _babi(_BABI[3:]), "train": _babi(_BABI[:1])}
    out["data/babisteps/simpletracking"] = {
        "validation": _babisteps(_BABISTEPS_VALIDATION), "test": _babisteps(_BABISTEPS_TEST), "train": _babisteps(_BABISTEPS_VALIDATION[:1])}
    out["data/babisteps/listing"] = {
        "validation": _babisteps(_BABISTEPS_LISTING_VALIDATION), "test": _babisteps(_BABISTEPS_LISTING_TEST),
        "train": _babisteps(_BABISTEPS_LISTING_VALIDATION[:1])}
    return out
