"""Compose the template part of the starter corpus from hand-written fragments (all invented).

    python training/data/compose.py N_FACTUAL N_OPINION N_LOADED > batch.txt

Prints ``label|register|text`` lines (f/o/l), which the maintainers appended
to ``starter.csv`` with a de-duplicating script (exact and near-duplicate
texts dropped). Every place, person, team and company is fictional.
"""

import random
import sys

R = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 20240611)
c = R.choice

TOWNS = ["Harlow Bay", "Castrel", "Mirefield", "Port Anselm", "Vellin", "Duskwater", "Tamsford", "Kellbridge",
         "Ashcombe", "Brisk Cross", "Dunmere", "Pellham", "Orrin", "Saltmarsh", "Greyholt", "Lyndale", "Corvan",
         "Eastwick Sands", "Marrowgate", "Fennick", "Stoneleigh", "Olbrook", "Quarry Hill", "Wendham", "Redmoor"]
PEOPLE = ["Ilse Varga", "Teodor Lask", "Mara Quell", "Otto Brem", "Jenna Hoyle", "Samir Okafor", "Lotte Hanner",
          "Priya Dastur", "Ewan Trask", "Noor Halabi", "Greta Solberg", "Marek Dusza", "Ada Fenwick",
          "Tomasz Wren", "Hana Ruiz", "Felix Amadi", "Rosa Lindqvist", "Idris Baptiste", "Clara Voss", "Yusuf Kerr"]
ROLES = ["the mayor", "the health minister", "a spokesperson for the port authority", "the union's regional secretary",
         "the opposition leader", "the chief executive", "the head of the residents' association", "the police chief",
         "the finance minister", "the club's manager", "the lead researcher", "a council spokesperson",
         "the school's headteacher", "the transport commissioner", "the regulator's chair"]
ORGS = ["the statistics office", "the port authority", "the regional health board", "the transport ministry",
        "the electoral commission", "the water company", "the chamber of commerce", "the fire service",
        "the environment agency", "the housing association", "the central bank", "the county council",
        "the teachers' union", "the coastguard", "the meteorological office"]
COMPANIES = ["Brightwell Foods", "Norrland Shipping", "Kestrel Air", "Ostara Pharma", "Halden Steel", "Tidewater Energy",
             "Quillon Software", "Marlow & Finch", "Veldt Mining", "Corran Telecom", "Sable Motors", "Lumen Retail"]
TEAMS = ["Castrel Rovers", "Harlow Bay United", "Vellin Athletic", "Duskwater Town", "Kellbridge Harriers",
         "Port Anselm City", "Tamsford Wanderers", "Mirefield Albion", "Orrin Rangers", "Greyholt Saints"]
INSTS = ["the University of Castrel", "the Mirefield Institute of Marine Science", "Vellin Polytechnic",
         "the Kellbridge Centre for Climate Studies", "Port Anselm Medical School", "the Orrin Soil Laboratory"]
DAYS = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday", "on Sunday",
        "last week", "this morning", "late on Tuesday", "earlier this month", "overnight"]
THINGS = ["the harbour redevelopment", "the new tram line", "the bypass", "the library budget", "the school merger",
          "the wind farm", "the water tariff", "the housing plan", "the hospital closure", "the parking scheme",
          "the pension reform", "the fishing quota", "the ferry contract", "the stadium expansion", "the curfew",
          "the bus fare rise", "the recycling contract", "the flood barrier", "the festival licence", "the rail link"]
GROUPS = ["councillors", "ministers", "bankers", "regulators", "landlords", "executives", "planners", "officials",
          "lobbyists", "party bosses", "developers", "consultants"]
VICTIMS = ["pensioners", "tenants", "commuters", "small shops", "families", "farmers", "nurses", "taxpayers",
           "fishermen", "students", "residents", "motorists"]


def factual() -> tuple[str, str]:
    n = R.randint(2, 980)
    pct = f"{R.randint(1, 19)}.{R.randint(0, 9)}"
    frames = [
        ("wire", lambda: f"{c(ORGS).capitalize()} said {n} people were affected by {c(THINGS)} in {c(TOWNS)} {c(DAYS)}."),
        ("wire", lambda: f"{c(PEOPLE)}, {c(ROLES)}, told reporters that {c(THINGS)} would be reviewed by {c(['June', 'the autumn', 'the end of the year', 'March', 'next spring'])}."),
        ("local", lambda: f"The {c(TOWNS)} council voted {R.randint(5, 12)}-{R.randint(0, 4)} {c(DAYS)} to approve {c(THINGS)}."),
        ("local", lambda: f"{c(THINGS).capitalize()} in {c(TOWNS)} will cost about {R.randint(2, 90)} million crowns, according to council documents."),
        ("business", lambda: f"{c(COMPANIES)} reported quarterly revenue of {R.randint(10, 900)} million crowns, {c(['up', 'down'])} {pct} percent from a year earlier."),
        ("business", lambda: f"Shares in {c(COMPANIES)} {c(['rose', 'fell'])} {pct} percent {c(DAYS)} after the company {c(['announced a buyback', 'cut its forecast', 'named a new chief executive', 'closed a plant in ' + c(TOWNS)])}."),
        ("sport", lambda: f"{c(TEAMS)} beat {c(TEAMS)} {R.randint(1, 5)}-{R.randint(0, 3)} {c(DAYS)}, with {c(PEOPLE)} scoring {c(['twice', 'the winner', 'a late penalty', 'in the first half'])}."),
        ("sport", lambda: f"{c(PEOPLE)} finished {c(['second', 'third', 'fifth', 'first'])} in the {c(['10,000 metres', 'marathon', 'road race', 'triathlon'])} at the {c(TOWNS)} games in a time of {R.randint(28, 140)} minutes."),
        ("science", lambda: f"Researchers at {c(INSTS)} measured {c(['sea temperatures', 'nitrate levels', 'sleep patterns', 'bird counts', 'soil moisture'])} at {n} sites over {R.randint(2, 12)} years, according to a study published {c(DAYS)}."),
        ("science", lambda: f"The trial enrolled {n} patients, and {R.randint(10, 60)} percent of those on the drug reported side effects, the authors wrote."),
        ("press-release", lambda: f"{c(COMPANIES)} today announced the opening of a new {c(['distribution centre', 'research laboratory', 'customer office', 'training academy'])} in {c(TOWNS)}, creating {n} jobs."),
        ("wire", lambda: f"{c(PEOPLE)} called {c(THINGS)} \"{c(['a disgrace', 'a betrayal', 'daylight robbery', 'a scandal', 'an insult to voters'])}\" in a speech in {c(TOWNS)} {c(DAYS)}."),
        ("translated-blog", lambda: f"In {c(TOWNS)}, the {c(['market', 'ferry', 'school', 'clinic'])} is open from {R.randint(6, 9)} in the morning, and it closes on {c(['Sundays', 'public holidays', 'Wednesdays'])}."),
        ("tabloid", lambda: f"{c(PEOPLE)}, {R.randint(19, 84)}, was taken to hospital after the crash on the {c(TOWNS)} ring road {c(DAYS)}, police said."),
    ]
    reg, make = c(frames)
    return reg, make()


def opinion() -> tuple[str, str]:
    frames = [
        ("op-ed", lambda: f"{c(['I think', 'In my view,', 'Frankly,', 'It seems to me that', 'I suspect'])} {c(THINGS)} {c(['deserves a second look', 'was rushed', 'is a reasonable compromise', 'asks too much of ' + c(VICTIMS), 'is overdue'])}."),
        ("op-ed", lambda: f"The council should {c(['delay', 'rethink', 'put to a vote', 'fund properly', 'explain'])} {c(THINGS)} before {c(['the summer', 'the election', 'costs rise further', 'anyone signs a contract'])}."),
        ("op-ed", lambda: f"{c(THINGS).capitalize()} is {c(['a sensible idea', 'a gamble', 'the right call', 'a missed opportunity', 'hard to justify'])}, {c(['but the details matter', 'though few will thank the council for it', 'even if the timing is awkward', 'whatever its critics say'])}."),
        ("op-ed", lambda: f"Why should {c(VICTIMS)} pay for {c(THINGS)} when {c(['the benefits go elsewhere', 'nobody asked them', 'the budget is already stretched', 'the old plan worked'])}?"),
        ("op-ed", lambda: f"{c(['Sooner or later', 'Within a year', 'Before long', 'By the next election'])}, {c(THINGS)} will probably {c(['cost more than promised', 'be quietly dropped', 'prove its worth', 'need rescuing'])}."),
        ("sport", lambda: f"{c(TEAMS)} {c(['looked tired', 'deserved more', 'were lucky', 'need a new striker', 'should keep faith with their manager'])} {c(['in the second half', 'this season', 'against a stronger side', 'if they want to stay up'])}."),
        ("business", lambda: f"Investors would be wise to {c(['wait', 'stay cautious about', 'look closely at', 'give time to'])} {c(COMPANIES)} {c(['until the debt is under control', 'after such a mixed year', 'before the new chief executive settles in'])}."),
        ("science", lambda: f"The study is {c(['interesting', 'promising', 'too small to settle the question', 'a useful start'])}, but {c(['it needs replicating', 'the sample is narrow', 'the headline overstates it', 'we should not expect miracles'])}."),
        ("translated-blog", lambda: f"For me, {c(TOWNS)} is {c(['the most pleasant town on the coast', 'a place that deserves more visitors', 'too quiet in winter', 'best seen on foot'])}, and I {c(['would go back', 'recommend the ferry', 'liked the market most', 'hope it stays that way'])}."),
        ("local", lambda: f"Residents in {c(TOWNS)} {c(['deserve a clearer answer', 'have been patient enough', 'ought to be consulted', 'are right to ask questions'])} about {c(THINGS)}."),
        ("op-ed", lambda: f"{c(PEOPLE)} {c(['has a point', 'is wrong', 'deserves credit', 'owes voters an apology'])} {c(['on', 'over', 'about'])} {c(THINGS)}, {c(['and the council should listen', 'whatever her rivals say', 'though the argument is badly made', 'but only up to a point'])}."),
        ("op-ed", lambda: f"{c(['Perhaps', 'Maybe', 'Arguably', 'Clearly', 'Surely'])} {c(THINGS)} {c(['matters less than', 'is a distraction from', 'should come after', 'cannot be separated from'])} {c(THINGS)}."),
        ("op-ed", lambda: f"{c(['The best outcome', 'The fairest solution', 'A better approach', 'The honest answer'])} would be to {c(['share the cost', 'ask the residents', 'start again', 'wait for the audit', 'publish the figures'])} {c(['and move on', 'before anything else', 'this time', 'in plain language'])}."),
        ("local", lambda: f"{c(TOWNS)} {c(['has always been', 'feels like', 'is no longer', 'could become'])} {c(['a friendly place', 'the forgotten end of the county', 'a town worth investing in', 'too expensive for young families'])}{c(['', ', sadly', ', and that is a pity', ', whatever the brochures say'])}."),
        ("business", lambda: f"{c(COMPANIES)} {c(['is overvalued', 'looks like a bargain', 'has lost its way', 'deserves its strong year', 'needs a clearer plan'])}{c(['', ' in my view', ', if you ask me', ', on balance'])}."),
        ("sport", lambda: f"{c(PEOPLE)} {c(['is the best young player in the league', 'should not have been dropped', 'was unlucky to miss out', 'has earned a new contract'])}{c(['', ', in my opinion', ', surely', ', and the board knows it'])}."),
        ("op-ed", lambda: f"It would be {c(['a mistake', 'unwise', 'short-sighted', 'sensible'])} to {c(['scrap', 'expand', 'rush', 'pause'])} {c(THINGS)} {c(['now', 'this year', 'without a proper study', 'on the strength of one report'])}."),
    ]
    reg, make = c(frames)
    return reg, make()


def loaded() -> tuple[str, str]:
    frames = [
        ("tabloid", lambda: f"The so-called \"{c(['reform', 'consultation', 'rescue plan', 'green makeover', 'fair deal'])}\" of {c(THINGS)} is {c(['a shameless cash grab', 'a sham', 'a disgraceful stitch-up', 'daylight robbery', 'a monstrous con'])}."),
        ("tabloid", lambda: f"{c(['Greedy', 'Spineless', 'Bungling', 'Arrogant', 'Out-of-touch', 'Shameless'])} {c(GROUPS)} have {c(['betrayed', 'fleeced', 'trampled on', 'sneered at', 'stabbed in the back'])} {c(VICTIMS)} {c(['AGAIN', 'once more', 'yet again', 'without a shred of shame'])}!"),
        ("op-ed", lambda: f"This {c(['reckless', 'disastrous', 'job-destroying', 'cynical', 'absurd'])} {c(['scheme', 'stunt', 'power grab', 'vanity project'])} will {c(['wreck', 'bleed dry', 'crush', 'devastate'])} {c(VICTIMS)} in {c(TOWNS)}."),
        ("tabloid", lambda: f"The (ahem) \"{c(['independent', 'expert', 'neutral', 'impartial'])}\" {c(['review', 'panel', 'inquiry', 'report'])} into {c(THINGS)} was {c(['a whitewash', 'rigged from the start', 'written by cronies', 'a farce'])}."),
        ("op-ed", lambda: f"Only {c(['a fool', 'the hopelessly naive', 'a paid cheerleader', 'the most gullible'])} could swallow the {c(GROUPS)}' {c(['crocodile tears', 'sob stories', 'hysterical warnings', 'pathetic excuses'])} about {c(THINGS)}."),
        ("translated-blog", lambda: f"The {c(['corrupt', 'lying', 'incompetent', 'rotten'])} {c(GROUPS)} of {c(TOWNS)} {c(['steal', 'destroy', 'poison', 'ruin'])} everything they touch, and the {c(['sheep', 'puppets', 'lapdogs'])} in the press applaud."),
        ("tabloid", lambda: f"{c(THINGS).capitalize()} is a {c(['ticking time bomb', 'catastrophe', 'national humiliation', 'bottomless money pit', 'slap in the face'])} for {c(VICTIMS)} — and nobody in power cares!"),
        ("op-ed", lambda: f"The {c(['hysterical', 'shrill', 'fanatical', 'sneering'])} {c(['activists', 'elites', 'zealots', 'do-gooders'])} behind {c(THINGS)} {c(['hold ordinary people in contempt', 'want to punish drivers', 'will never be satisfied', 'are drunk on power'])}."),
        ("sport", lambda: f"{c(TEAMS)}'s {c(['gutless', 'pathetic', 'shambolic', 'clueless'])} {c(['defence', 'display', 'board', 'manager'])} {c(['was an insult to every fan', 'deserves nothing but contempt', 'should be run out of town', 'made a laughing stock of the club'])}."),
        ("business", lambda: f"{c(COMPANIES)}'s {c(['fat-cat', 'greedy', 'rapacious', 'bloated'])} bosses {c(['pocketed', 'grabbed', 'hoovered up', 'trousered'])} {c(['huge bonuses', 'millions', 'obscene payouts', 'a fortune'])} while {c(VICTIMS)} {c(['suffered', 'paid the price', 'were left to rot', 'went without'])}."),
    ]
    reg, make = c(frames)
    return reg, make()


if __name__ == "__main__":
    for code, make, count in (("f", factual, int(sys.argv[1])), ("o", opinion, int(sys.argv[2])),
                              ("l", loaded, int(sys.argv[3]))):
        for _ in range(count):
            reg, text = make()
            print(f"{code}|{reg}|{text}")
