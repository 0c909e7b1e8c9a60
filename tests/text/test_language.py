"""Language detection: short news paragraphs in other languages are named correctly, English
news (the seed article, the whole Guardian sample, Reuters) is never refused, and short
texts are never refused for want of evidence."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from blocwatch.records import Article
from blocwatch.text.clean import clean
from blocwatch.text.language import detect, english_problem

ROOT = Path(__file__).resolve().parents[2]
LIMITS = {"min_words": 20, "min_english_share": 0.2}

# (language named in the error, a paragraph of news written for this test)
PARAGRAPHS = [
    ("French", "Le gouvernement français a annoncé mardi que les négociations avec la Russie "
               "sur le gaz seront suspendues. Le ministre des affaires étrangères a déclaré "
               "qu'il ne se rendra pas à Moscou cette semaine, mais que le dialogue reste "
               "ouvert pour les prochains mois."),
    ("German", "Die Bundesregierung hat am Dienstag angekündigt, dass die Gespräche mit "
               "Russland über die Gaslieferungen ausgesetzt werden. Der Außenminister sagte, "
               "er werde in dieser Woche nicht nach Moskau reisen, aber der Dialog sei "
               "noch nicht beendet."),
    ("Spanish", "El gobierno español anunció el martes que las negociaciones con Marruecos "
                "sobre la frontera se han suspendido. El ministro de asuntos exteriores dijo "
                "que no viajará a Rabat esta semana, pero que el diálogo sigue abierto para "
                "los próximos meses."),
    ("Portuguese", "O governo brasileiro anunciou na terça-feira que as negociações com a "
                   "Argentina sobre o comércio foram suspensas. O ministro das relações "
                   "exteriores disse que não vai viajar para Buenos Aires esta semana, mas "
                   "que o diálogo continua aberto."),
    ("Italian", "Il governo italiano ha annunciato martedì che i negoziati con la Libia "
                "sulla migrazione sono stati sospesi. Il ministro degli esteri ha detto che "
                "non andrà a Tripoli questa settimana, ma che il dialogo resta aperto per i "
                "prossimi mesi."),
    ("Dutch", "De Nederlandse regering heeft dinsdag aangekondigd dat de gesprekken met "
              "Rusland over het gas zijn opgeschort. De minister van buitenlandse zaken zei "
              "dat hij deze week niet naar Moskou gaat, maar dat het overleg nog niet is "
              "afgelopen."),
    ("Swedish", "Den svenska regeringen meddelade på tisdagen att förhandlingarna med "
                "Ryssland om gasen har avbrutits. Utrikesministern sade att han inte kommer "
                "att resa till Moskva den här veckan, men att dialogen fortfarande är öppen "
                "för de kommande månaderna."),
    ("Danish", "Den danske regering meddelte tirsdag, at forhandlingerne med Rusland om "
               "gassen er blevet afbrudt. Udenrigsministeren sagde, at han ikke vil rejse "
               "til Moskva i denne uge, men at dialogen stadig er åben for de kommende "
               "måneder, og at der ikke er truffet nogen beslutning."),
    ("Norwegian", "Den norske regjeringen meldte tirsdag at forhandlingene med Russland om "
                  "gassen er avbrutt. Utenriksministeren sa at han ikke vil reise til Moskva "
                  "denne uken, men at dialogen fortsatt er åpen, og at det ikke er tatt noen "
                  "beslutning om å avslutte den."),
    ("Polish", "Polski rząd ogłosił we wtorek, że rozmowy z Rosją w sprawie gazu zostały "
               "zawieszone. Minister spraw zagranicznych powiedział, że nie pojedzie w tym "
               "tygodniu do Moskwy, ale dialog jest nadal otwarty i może zostać wznowiony "
               "już w przyszłym miesiącu."),
    ("Turkish", "Türk hükümeti salı günü Rusya ile doğalgaz konusundaki görüşmelerin askıya "
                "alındığını açıkladı. Dışişleri bakanı bu hafta Moskova'ya gitmeyeceğini, "
                "ancak diyaloğun hâlâ açık olduğunu ve bir karar için daha çok zaman "
                "gerektiğini söyledi. Bu konuda yeni bir açıklama olarak yapılacak."),
    ("Indonesian", "Pemerintah Indonesia mengumumkan pada hari Selasa bahwa perundingan "
                   "dengan Malaysia tentang perbatasan telah ditunda. Menteri luar negeri "
                   "mengatakan bahwa dia tidak akan pergi ke Kuala Lumpur minggu ini, tetapi "
                   "dialog masih terbuka dan akan dilanjutkan."),
    ("Czech", "Česká vláda v úterý oznámila, že jednání s Ruskem o plynu byla přerušena. "
              "Ministr zahraničí řekl, že tento týden do Moskvy nepojede, ale že dialog je "
              "podle něj stále otevřený a že jednání by mohla pokračovat už příští měsíc, "
              "pokud to bude možné."),
    ("Romanian", "Guvernul român a anunțat marți că negocierile cu Rusia privind gazele au "
                 "fost suspendate. Ministrul de externe a spus că nu va merge la Moscova în "
                 "această săptămână, dar că dialogul este încă deschis pentru lunile care "
                 "urmează și că nu s-a luat nicio decizie."),
    ("Hungarian", "A magyar kormány kedden bejelentette, hogy a Oroszországgal folytatott "
                  "gáztárgyalásokat felfüggesztették. A külügyminiszter azt mondta, hogy ezen "
                  "a héten nem utazik Moszkvába, de a párbeszéd még nem ért véget, és az "
                  "is lehet, hogy hamarosan folytatódik."),
    ("Finnish", "Suomen hallitus ilmoitti tiistaina, että kaasuneuvottelut Venäjän kanssa on "
                "keskeytetty. Ulkoministeri sanoi, että hän ei matkusta Moskovaan tällä "
                "viikolla, mutta että keskustelu on vielä auki ja se voi jatkua jo ensi "
                "kuussa, kun hän on palannut."),
    ("Russian", "Правительство России во вторник объявило, что переговоры с Украиной о "
                "поставках газа приостановлены. Министр иностранных дел заявил, что на этой "
                "неделе он не поедет в Киев, но диалог по-прежнему открыт для обсуждения."),
    ("Ukrainian", "Уряд України у вівторок оголосив, що переговори з Польщею щодо "
                  "постачання газу призупинено. Міністр закордонних справ заявив, що цього "
                  "тижня він не поїде до Варшави, але діалог і надалі відкритий, і рішення "
                  "ще не ухвалено."),
    ("Arabic", "أعلنت الحكومة المصرية يوم الثلاثاء أن المفاوضات مع إثيوبيا بشأن سد النهضة قد "
               "توقفت. وقال وزير الخارجية إنه لن يسافر إلى أديس أبابا هذا الأسبوع، لكن الحوار "
               "لا يزال مفتوحا خلال الأشهر المقبلة."),
    ("Persian", "دولت ایران روز سه شنبه اعلام کرد که گفتگوها با گروه پنج به علاوه یک متوقف "
                "شده است. وزیر امور خارجه گفت که این هفته به وین سفر نمی کند، اما گفتگو همچنان "
                "باز است و تصمیم گیری درباره آن هنوز انجام نشده است."),
    ("Chinese", "中国外交部星期二宣布，与日本就东海问题举行的谈判已经暂停。"
                "外交部长说，他本周不会前往东京，但是双方的对话仍然保持开放，"
                "两国将在下个月继续讨论有关的安全问题和经济合作。"),
    ("Japanese", "日本政府は火曜日、中国との東シナ海をめぐる交渉を中断したと発表した。"
                 "外務大臣は今週北京を訪問しないと述べたが、対話はまだ開かれており、"
                 "来月にも協議を再開する可能性があるという。"),
    ("Korean", "한국 정부는 화요일 북한과의 국경 문제에 관한 협상이 "
               "중단되었다고 발표했다. 외교부 장관은 이번 주에 평양을 "
               "방문하지 않을 것이라고 말했지만 대화는 여전히 열려 있으며 "
               "다음 달에 다시 논의할 수 있다고 밝혔다."),
    ("Hindi", "भारत सरकार ने मंगलवार को घोषणा की कि पाकिस्तान के साथ सीमा पर बातचीत रोक दी गई है। "
              "विदेश मंत्री ने कहा कि वह इस सप्ताह इस्लामाबाद नहीं जाएंगे, लेकिन बातचीत अभी भी "
              "खुली है और अगले महीने फिर से शुरू हो सकती है।"),
    ("Greek", "Η ελληνική κυβέρνηση ανακοίνωσε την Τρίτη ότι οι διαπραγματεύσεις με την "
              "Τουρκία για τα σύνορα έχουν ανασταλεί. Ο υπουργός Εξωτερικών είπε ότι δεν θα "
              "ταξιδέψει στην Άγκυρα αυτή την εβδομάδα, αλλά ο διάλογος παραμένει ανοιχτός."),
    ("Hebrew", "ממשלת ישראל הודיעה ביום שלישי כי המשא ומתן עם מצרים על הגבול הושעה. שר החוץ "
               "אמר כי השבוע הוא לא ייסע לקהיר, אבל הדיאלוג עדיין פתוח ויכול להימשך בחודש "
               "הבא אם הצדדים יסכימו על כך."),
]


@pytest.mark.parametrize(("language", "text"), PARAGRAPHS, ids=[p[0] for p in PARAGRAPHS])
def test_other_languages_are_named(language: str, text: str) -> None:
    assert detect(text).name == language
    problem = english_problem(text, **LIMITS)
    assert problem == (f"written in {language}, not English: blocwatch codes English news "
                       "only (set BLOCWATCH_LANGUAGE_CHECK=false to code it anyway)")


@pytest.mark.parametrize("text", [
    "Le gouvernement a annoncé mardi que les négociations sont suspendues.",
    "Правительство объявило, что переговоры приостановлены.",
    "中国外交部星期二宣布谈判已经暂停。",
    "North Korea accused the United States.",
    "",
    "中" * 300,
    "ж ж ж " * 40,
], ids=["French", "Russian", "Chinese", "English", "empty", "one Han character",
        "one Cyrillic letter"])
def test_short_texts_and_garbage_are_never_refused(text: str) -> None:
    assert english_problem(text, **LIMITS) is None


@pytest.mark.parametrize("text", [
    # English news quoting another language, and English with many names and figures
    "President Emmanuel Macron said on Tuesday that France would not send troops, adding "
    "in French: \"Nous ne sommes pas en guerre.\" His office said the talks with Germany "
    "and Poland on the mission would go on next week in Paris, and that a decision was "
    "expected by the end of the month.",
    "Shr 81 cts vs 57 cts Net 3,660,273 vs 2,437,914 Rev 28.5 mln vs 23.1 mln Six months "
    "Shr 29 cts vs 12 cts Net 1,325,755 vs 483,559 Rev 31.7 mln vs 26.4 mln Reuter and the "
    "company said it expected sales to rise",
], ids=["quoting French", "figures"])
def test_english_with_foreign_words_is_english(text: str) -> None:
    assert english_problem(text, **LIMITS) is None


def _body(article: Article) -> str:
    return "\n".join(p.text for p in clean(article).paragraphs)


def test_seed_article_is_english(shared: Path) -> None:
    text = (shared / "seed" / "asian-style-nato.txt").read_text(encoding="utf-8")
    assert detect(text).name == "English"
    assert english_problem(text, **LIMITS) is None


@pytest.mark.parametrize("corpus", ["guardian", "reuters"])
def test_no_english_news_is_refused(shared: Path, corpus: str) -> None:
    """Every Guardian article and the first 3,000 Reuters stories: zero false refusals."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import corpora

    articles = list(corpora.guardian() if corpus == "guardian" else corpora.reuters(3000))
    assert len(articles) >= 249
    refused = [(a.id, english_problem(_body(a), **LIMITS)) for a in articles]
    assert [r for r in refused if r[1]] == []
