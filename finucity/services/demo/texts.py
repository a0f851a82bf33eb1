"""What demo conversations are made of: names, questions by category, a few hand-written answers,
follow-up phrasing, feedback comments and the failure texts the app really stores.

Questions the offline assistant answers take its answer (so figures come from the dated
knowledge base, never from here); the rest carry a short hand-written answer that states no
rate or limit that could go stale.
"""

from __future__ import annotations

from finucity.services.ai.provider import EMPTY_ANSWER
from finucity.services.generation import INTERRUPTED

FIRST_NAMES = (
    "Aarav", "Aditi", "Akash", "Ananya", "Anil", "Anjali", "Arjun", "Bhavna", "Deepak", "Divya",
    "Farhan", "Gaurav", "Geeta", "Harpreet", "Ishaan", "Jyoti", "Karthik", "Kavya", "Lakshmi", "Manish",
    "Meera", "Mohammed", "Neha", "Nikhil", "Pooja", "Pradeep", "Priya", "Rahul", "Rajesh", "Ramya",
    "Ravi", "Rohan", "Sanjay", "Sara", "Shreya", "Siddharth", "Sneha", "Sunita", "Suresh", "Swati",
    "Tanvi", "Tarun", "Uma", "Varun", "Vikram", "Vinita", "Yash", "Zoya", "Abhishek", "Fatima",
    "Gurpreet", "Joseph", "Kiran", "Mahesh", "Nandini", "Omkar", "Parvati", "Rekha", "Sameer", "Tejas",
)  # fmt: skip
LAST_NAMES = (
    "Sharma", "Verma", "Iyer", "Nair", "Reddy", "Patel", "Shah", "Mehta", "Gupta", "Agarwal",
    "Singh", "Kaur", "Khan", "Sheikh", "Das", "Banerjee", "Chatterjee", "Mukherjee", "Rao", "Naidu",
    "Pillai", "Menon", "Kulkarni", "Deshpande", "Joshi", "Patil", "Jain", "Bansal", "Malhotra", "Kapoor",
    "Chopra", "Bhatia", "Saxena", "Mishra", "Tiwari", "Pandey", "Yadav", "Fernandes", "D'Souza", "Thomas",
    "Krishnan", "Subramanian", "Hegde", "Shetty", "Gowda", "Bose", "Sen", "Ghosh", "Dutta", "Mathur",
)  # fmt: skip

# Questions by category. "{lakh}", "{amount}", "{rate}", "{years}" and "{rent}" are filled with
# plausible figures; a second item is the answer when the offline assistant has none.
QUESTIONS: dict[str, tuple[str | tuple[str, str], ...]] = {
    "income_tax": (
        "What are the income tax slabs under the new regime for FY 2025-26?",
        "Should I choose the old or the new tax regime?",
        "How much tax will I pay on a salary of {lakh} lakh?",
        "Income tax on {lakh} lakh salary, old vs new regime?",
        "Can I claim my kids' tuition fees under 80C?",
        "What is the last date to file ITR this year?",
        "How much can I claim under 80D for my parents' health insurance?",
        "What is the standard deduction for salaried employees?",
        (
            "How is HRA exemption calculated if I pay {rent} rent a month?",
            "### Short answer\n\nThe HRA exemption is the **least of three amounts**: the HRA you actually "
            "receive, the rent you pay minus 10% of your basic salary (plus DA), and 50% of basic for a metro "
            "city or 40% elsewhere.\n\n### Next steps\n\n- Keep rent receipts and the rental agreement.\n"
            "- Give your landlord's PAN to your employer when the yearly rent crosses the reporting limit.\n"
            "- HRA is exempt only in the old regime.",
        ),
        (
            "I'm a freelancer. Can I use presumptive taxation under 44ADA?",
            "### Short answer\n\nYes, if your profession is one listed in section 44AA and your gross receipts "
            "are within the 44ADA limit: you declare **half your receipts as profit** and skip detailed books."
            "\n\n### Next steps\n\n- File ITR-4 (Sugam).\n- Pay advance tax by 15 March in a single instalment.",
        ),
        (
            "Do I need to pay advance tax on FD interest?",
            "### Short answer\n\nYes, when your total tax for the year after TDS is above the advance-tax "
            "threshold. Bank TDS on FD interest is often lower than the tax you owe at a higher slab, so the "
            "difference falls due as advance tax.\n\n- Instalments: 15 June, 15 September, 15 December and "
            "15 March.\n- Interest under 234B/234C applies if you pay late.",
        ),
        (
            "How do I claim a refund of excess TDS?",
            "### Short answer\n\nFile your ITR: the refund is the TDS (and advance tax) shown in **Form 26AS** "
            "minus the tax you owe. It is paid to a pre-validated bank account after the return is processed."
            "\n\n### Next steps\n\n- Pre-validate your bank account on the e-filing portal.\n- E-verify the "
            "return within 30 days.",
        ),
    ),
    "gst": (
        "What is the GST rate on restaurant food?",
        "When does a freelancer need GST registration?",
        "What is the difference between GSTR-1 and GSTR-3B?",
        "Can I claim input tax credit on a company car?",
        "What is the GST rate on gold jewellery?",
        "What is the late fee for filing GSTR-3B late?",
        "What is GST?",
        (
            "Is GST charged on export of software services?",
            "### Short answer\n\nExports of services are **zero-rated**: either export under a Letter of "
            "Undertaking (LUT) without paying IGST, or pay IGST and claim a refund.\n\n### Next steps\n\n"
            "- File the LUT (Form GST RFD-11) at the start of each financial year.\n- Keep the FIRC or bank "
            "advice for foreign currency received.",
        ),
        (
            "How does reverse charge work under GST?",
            "### Short answer\n\nUnder **reverse charge** the buyer, not the supplier, pays the GST: for "
            "notified services (legal, goods transport by a GTA, sponsorship) and for imports of services.\n\n"
            "- Pay it in cash through GSTR-3B; it cannot come from input tax credit.\n- You can then claim it "
            "as input tax credit if the purchase is for business.",
        ),
        (
            "Should I opt for the GST composition scheme?",
            "### Short answer\n\nThe composition scheme suits a small trader or manufacturer selling mostly to "
            "consumers: a low flat rate on turnover and **quarterly** returns. You cannot collect GST from "
            "customers, claim input tax credit or sell across states.",
        ),
    ),
    "investment": (
        "Start a SIP of {amount} a month for {years} years at 12%",
        "How much will {amount} a month in a SIP become in {years} years?",
        "ELSS or PPF for saving tax?",
        "What is the current PPF interest rate?",
        "Is NPS worth it for the extra 50,000 deduction?",
        "What is the lock-in period of ELSS?",
        (
            "How big should my emergency fund be?",
            "### Short answer\n\nKeep **six months of essential expenses** (more if your income is irregular) "
            "in a savings account, sweep-in FD or liquid fund you can reach within a day.\n\n- Include EMIs, "
            "rent, insurance premiums and school fees.\n- Build it before you start equity SIPs.",
        ),
        (
            "Sovereign gold bonds or gold ETFs?",
            "### Short answer\n\nFor long holdings, **sovereign gold bonds** bought on the exchange pay a "
            "small yearly interest on top of the gold price; **gold ETFs** and gold funds are easier to buy "
            "and sell in any amount. Keep gold to a small share of the portfolio.",
        ),
        (
            "Index fund or actively managed fund for a beginner?",
            "### Short answer\n\nA low-cost **Nifty 50 or Sensex index fund** is a sound first equity fund: "
            "the expense ratio is a fraction of an active fund's and most active funds trail their index over "
            "ten years.\n\n- Compare the expense ratio and tracking error.\n- Use the direct plan.",
        ),
    ),
    "business": (
        "LLP or private limited company for a two-founder startup?",
        "EMI on a business loan of {lakh} lakh at {rate}% for {years} years",
        (
            "How do I register a private limited company?",
            "### Short answer\n\nFile the **SPICe+** form on the MCA portal: name reservation, incorporation, "
            "PAN, TAN, EPFO, ESIC and a bank account in one application.\n\n### Next steps\n\n- Get DSCs for "
            "the directors.\n- Draft the MoA and AoA.\n- Open the bank account and deposit the share capital.",
        ),
        (
            "What is Udyam registration and do I need it?",
            "### Short answer\n\n**Udyam** registration records you as a micro, small or medium enterprise. It "
            "is free, online and based on your PAN and GSTIN; it is needed for MSME benefits such as priority "
            "lending, the 45-day payment rule and some government tenders.",
        ),
        (
            "How do I get DPIIT startup recognition?",
            "### Short answer\n\nApply on the **Startup India** portal with your incorporation certificate "
            "and a short note on what is innovative in your product. Recognition opens the 80-IAC tax holiday "
            "application and self-certification under labour laws.",
        ),
        (
            "What annual compliance does a private limited company have?",
            "### Short answer\n\nEvery year: a statutory **audit**, the AGM, **AOC-4** (financial statements) "
            "and **MGT-7A/MGT-7** (annual return) with the ROC, the company's ITR and DIR-3 KYC for directors."
            "\n\n- Board meetings at least four times a year.\n- Keep statutory registers up to date.",
        ),
    ),
    "insurance": (
        "Should I buy a term plan or a ULIP?",
        "How much term insurance cover do I need?",
        "Family floater or individual health insurance?",
        "Is the premium for term insurance tax deductible?",
        (
            "What is a super top-up health plan?",
            "### Short answer\n\nA **super top-up** pays hospital bills above a deductible, counted over the "
            "whole year, so a base policy plus a super top-up buys a large cover cheaply.\n\n- Match the "
            "deductible to your base cover.\n- Check room-rent limits and waiting periods.",
        ),
        (
            "What does claim settlement ratio mean?",
            "### Short answer\n\nThe share of claims an insurer **paid** out of those it decided in a year, "
            "published by IRDAI. Look at it over several years, together with the amount-wise ratio and "
            "complaint numbers.",
        ),
    ),
    "general": (
        "EMI for a home loan of {lakh} lakh at {rate}% for {years} years",
        "What is the EMI on a car loan of {lakh} lakh at {rate}% for 5 years?",
        (
            "How should I budget my monthly salary?",
            "### Short answer\n\nStart from **50/30/20**: about half for needs, 30% for wants and at least 20% "
            "saved, then adjust for your city and EMIs.\n\n- Automate the SIP and the emergency-fund transfer "
            "on salary day.\n- Review spends once a month in your banking app.",
        ),
        (
            "How does my CIBIL score work?",
            "### Short answer\n\nYour **CIBIL score** (300 to 900) reflects repayment history, how much of your "
            "credit limit you use, the mix and age of your loans and recent enquiries. Above 750 usually gets "
            "the best loan rates.\n\n- Pay every EMI and card bill on time.\n- Keep card use under 30% of the "
            "limit.",
        ),
        (
            "Should I prepay my home loan or invest the money?",
            "### Short answer\n\nCompare the loan's **after-tax interest rate** with the return you can "
            "reasonably expect after tax. Prepaying is a guaranteed saving; investing may earn more but with "
            "risk. Many people do both: part-prepay each year and keep their SIPs.",
        ),
    ),
}

FILL = {
    "lakh": ("6", "8", "10", "12", "15", "18", "20", "25", "30", "40", "50", "75"),
    "amount": ("2,000", "5,000", "10,000", "15,000", "25,000", "50,000"),
    "rate": ("7.5", "8.5", "8.75", "9", "10.5", "11", "12"),
    "years": ("5", "10", "15", "20", "25"),
    "rent": ("₹12,000", "₹18,000", "₹25,000", "₹35,000", "₹50,000"),
}

# How a later question in the same conversation often starts.
FOLLOW_UP_OPENERS = ("", "", "", "", "Thanks! ", "Got it. ", "One more question: ", "Also, ", "Okay. ", "Ek aur: ")
# Titles people give their conversations when they rename them.
RENAMED_TITLES = (
    "Tax planning", "ITR questions", "Home loan", "My SIPs", "GST for my shop", "Startup setup",
    "Insurance for parents", "Budget", "Tax 2025", "Freelance income", "ULIP vs term", "Retirement",
)  # fmt: skip

UP_COMMENTS = ("Very clear, thanks!", "Helpful", "Exactly what I needed", "Great explanation of the slabs")
DOWN_COMMENTS = (
    "Too generic, did not answer my actual question",
    "The 80C limit part was confusing",
    "I asked about the old regime, not the new one",
    "Figures look outdated, please check",
    "Too long, I wanted a one-line answer",
    "Did not mention HRA at all",
    "Wrong GST rate for my product category",
    "Answer stopped halfway",
)

# The `error` texts the app stores on a failed answer, with how often each shows up.
FAILURES: tuple[tuple[str, int], ...] = (
    ("The AI service took too long to answer. Please try again.", 30),
    (INTERRUPTED, 20),
    ("The AI service is busy right now. Please try again in a minute.", 18),
    ("Could not reach the AI service. Please try again in a moment.", 12),
    ("The AI service failed to answer. Please try again.", 10),
    (EMPTY_ANSWER.user_message, 6),
    ("The AI service could not process this question. Try rephrasing it or starting a new chat.", 4),
)

# Models answers came from, with weights; the offline assistant answers fastest.
MODELS: tuple[tuple[str, int], ...] = (
    ("openai/gpt-4o-mini", 62),
    ("openai/gpt-4.1-mini", 18),
    ("finucity-offline", 12),
    ("meta/Llama-3.3-70B-Instruct", 8),
)

# Categories people ask about, with weights.
CATEGORY_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("income_tax", 30),
    ("investment", 22),
    ("gst", 15),
    ("general", 13),
    ("insurance", 10),
    ("business", 10),
)
