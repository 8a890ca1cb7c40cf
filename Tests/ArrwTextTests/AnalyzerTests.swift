import ArrwText
import Testing

/// The analyzer's words, folding, stop words and the Porter stemmer's published behaviour.
@Suite struct AnalyzerTests {
    /// Pairs from Porter's paper and his published vocabulary (`voc.txt` → `output.txt`).
    @Test(arguments: [
        ("caresses", "caress"), ("ponies", "poni"), ("ties", "ti"), ("caress", "caress"), ("cats", "cat"),
        ("feed", "feed"), ("agreed", "agre"), ("plastered", "plaster"), ("bled", "bled"), ("motoring", "motor"),
        ("sing", "sing"), ("conflated", "conflat"), ("troubled", "troubl"), ("sized", "size"), ("hopping", "hop"),
        ("tanned", "tan"), ("falling", "fall"), ("hissing", "hiss"), ("fizzed", "fizz"), ("failing", "fail"),
        ("filing", "file"), ("happy", "happi"), ("sky", "sky"), ("relational", "relat"), ("conditional", "condit"),
        ("rational", "ration"), ("valenci", "valenc"), ("digitizer", "digit"), ("conformabli", "conform"),
        ("radicalli", "radic"), ("differentli", "differ"), ("vileli", "vile"), ("analogousli", "analog"),
        ("vietnamization", "vietnam"), ("predication", "predic"), ("operator", "oper"), ("feudalism", "feudal"),
        ("decisiveness", "decis"), ("hopefulness", "hope"), ("callousness", "callous"), ("formaliti", "formal"),
        ("sensitiviti", "sensit"), ("sensibiliti", "sensibl"), ("triplicate", "triplic"), ("formative", "form"),
        ("formalize", "formal"), ("electriciti", "electr"), ("electrical", "electr"), ("hopeful", "hope"),
        ("goodness", "good"), ("revival", "reviv"), ("allowance", "allow"), ("inference", "infer"), ("airliner", "airlin"),
        ("gyroscopic", "gyroscop"), ("adjustable", "adjust"), ("defensible", "defens"), ("irritant", "irrit"),
        ("replacement", "replac"), ("adjustment", "adjust"), ("dependent", "depend"), ("adoption", "adopt"),
        ("homologou", "homolog"), ("communism", "commun"), ("activate", "activ"), ("angulariti", "angular"),
        ("homologous", "homolog"), ("effective", "effect"), ("bowdlerize", "bowdler"), ("probate", "probat"),
        ("rate", "rate"), ("cease", "ceas"), ("controll", "control"), ("roll", "roll"), ("generalizations", "gener"),
        ("oscillators", "oscil"), ("connections", "connect"), ("connecting", "connect"),
    ])
    func porterStems(word: String, stem: String) {
        #expect(PorterStemmer.stem(word) == stem)
    }

    @Test func wordsFoldingStopWordsAndStems() {
        #expect(Analyzer.english.terms("The Cafés of Zürich aren't running U.S. trials!") == ["cafe", "zurich", "arent", "run", "us", "trial"])
        #expect(Analyzer.simple.terms("The Straße, ÉCOLE; 42 x-ray") == ["the", "strasse", "ecole", "42", "x", "ray"])
        #expect(Analyzer.english.terms("") == [] && Analyzer.english.terms("... !!") == [])
        #expect(Analyzer.simple.terms("日本語 текст") == ["日本語", "текст"], "letters of any script form words")
        #expect(Analyzer.named("english") == .english && Analyzer.named("simple") == .simple && Analyzer.named("klingon") == nil)
    }
}
