using FuzzySharp;
using FuzzySharp.PreProcess;
using TriageBot.Core.Knowledge;

namespace TriageBot.Core.Matching;

/// <summary>Tuning of the matcher; the defaults are the ones the evaluation set was scored with.</summary>
public sealed record MatcherOptions
{
    /// <summary>Text beyond this many characters is not read (a pasted log is cut, with a notice).</summary>
    public int MaxInputChars { get; init; } = 200_000;

    /// <summary>Lines longer than this are read in pieces of this size.</summary>
    public int MaxLineChars { get; init; } = 2_000;

    /// <summary>How many candidates a result lists at most.</summary>
    public int MaxCandidates { get; init; } = 5;

    /// <summary>Top score (0-1) from which a candidate counts at all.</summary>
    public double AmbiguousFloor { get; init; } = 0.40;

    /// <summary>
    /// The same floor for a paste that names the product (Skype, Lync, ...) and says that something goes
    /// wrong (a curated problem word). A paste with no problem word needs <see cref="MatchFloor"/>.
    /// </summary>
    public double ProductAmbiguousFloor { get; init; } = 0.30;

    /// <summary>Top score (0-1) from which a clear leader is a match.</summary>
    public double MatchFloor { get; init; } = 0.55;

    /// <summary>Candidates within this distance of the top make the result ambiguous.</summary>
    public double AmbiguityMargin { get; init; } = 0.08;
}

/// <summary>
/// Finds the documented errors a paste is about. Every documented message, cause and curated
/// phrasing of every symptom is indexed by its tokens, each weighted by how few symptoms use it.
/// A paste is read line by line (a wrapped message spans up to three lines); each phrase scores by
/// how much of it the paste covers and how much of the paste's known vocabulary it explains.
/// Misspelt words are found through a deletion index; FuzzySharp gives a second opinion on
/// borderline Latin-script candidates.
/// </summary>
public sealed class ErrorMatcher
{
    private const double Saturation = 5.0;
    private const double OffTopicPenalty = 0.3;
    private const double FullCoverage = 0.85;
    private const int WindowLines = 3;
    private const double AliasOnlyWeight = 0.6;

    /// <summary>
    /// What each concept a paste shares with one of a symptom's curated concept sets is worth: a set of
    /// k concepts met in full scores 1 - (1 - strength)^k (two 0.55, three 0.70, four 0.80), and that
    /// joins the phrase score as independent evidence (1 - (1 - phrase)(1 - concepts)).
    /// </summary>
    private const double ConceptStrength = 0.33;

    /// <summary>
    /// A domain name in a documented message or phrasing ("Lync couldn't find a Lync Server for contoso.com") is an example:
    /// the client shows the user's own domain there. It is no word of the message, so a paste quotes the message in full without it.
    /// File names ("msoidsvc.exe") are words of it.
    /// </summary>
    private static readonly System.Text.RegularExpressions.Regex ExampleDomain =
        new(@"\b[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.(?!(exe|dll|msi|cab|log|xml|ini|txt|cer|pfx)\b)[A-Za-z]{2,}\b",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    /// <summary>How much of a documented message a paste must have, in its order, to quote it in full.</summary>
    private const double FullQuoteCoverage = 0.95;

    /// <summary>How many times as many evidence words a message quoted in full needs to outrank a shorter quoted one.</summary>
    private const double LongerQuote = 1.5;

    /// <summary>The shortest vocabulary word a misspelt paste word may be read as when it names a concept.</summary>
    private const int MinMisspeltConceptWord = 6;

    private readonly Catalog _catalog;
    private readonly MatcherOptions _options;
    private readonly Tokenizer _tokenizer;
    private readonly Dictionary<string, int> _vocabulary = new(StringComparer.Ordinal);
    private readonly List<string> _words = [];
    /// <summary>Vocabulary words, found misspelt ("certifcate") -> their id.</summary>
    private readonly DeletionIndex<int> _wordTypos = new();
    private readonly double[] _weight;
    private readonly int[][] _postings;
    private readonly Phrase[] _phrases;
    private readonly string[][] _fuzzyPhrases;
    /// <summary>Other systems' names (offTopic), each tagged with its place in the curated list.</summary>
    private readonly WordGroups _offTopic;
    /// <summary>For each other system's name (by its place in the curated list), the statements that it works ("Outlook geht", "Teams is
    /// fine"): made on first need, as few pastes name any.</summary>
    private readonly Lazy<OrderedPhrases>[] _otherWorks;
    private readonly string[] _offTopicNames;
    private readonly WordGroups _otherServers;
    /// <summary>The vocabulary's words in ordinal order, and their ids: the words a cut-off word begins are found by a binary search.</summary>
    private readonly string[] _wordsInOrder;
    private readonly int[] _wordIdsInOrder;
    private readonly WordGroups _inScope;
    private readonly WordGroups _problemWords;
    private readonly WordGroups _offTopicIntents;
    /// <summary>The Chinese words of the curated sign-in concept (see <see cref="ChineseSignIn"/>).</summary>
    private readonly string[] _chineseSignIn;
    /// <summary>The token "sign in" and its synonyms (log in, anmelden, ...) fold to.</summary>
    private readonly string? _signInToken;
    /// <summary>
    /// The offTopicIntents of several Latin-script words, matched in their order ("out of office" is no request in "turns out
    /// ... the Denver office"); single words and Chinese ones stay in <see cref="_offTopicIntents"/>.
    /// </summary>
    private readonly OrderedPhrases _offTopicIntentPhrases;
    private readonly WordGroups _questions;
    /// <summary>A server's outage told in words that otherwise ask about the client (curated <c>serverDown</c>), and those words' tokens.</summary>
    private readonly OrderedPhrases _serverDown;
    private readonly string[] _serverStateTokens;
    private readonly OrderedPhrases _offTopicPhrases;
    private readonly OrderedPhrases _productWorks;
    private readonly OrderedPhrases _othersWork;
    private readonly string[] _contrasts;
    /// <summary>
    /// Latin-script words that turn a "works" statement round when they follow it in its clause: the negations (the curated synonym
    /// "not" and its variants, <c>negations</c>: "Skype funktioniert noch nicht") and the words that say it held no longer
    /// (<c>worksEnded</c>: "Lync worked fine until today"). Chinese puts its negation before the verb ("不正常"), which no entry meets.
    /// </summary>
    private readonly HashSet<string> _worksTurnedRound;
    /// <summary>Abbreviations whose full stop ends no sentence (curated <c>abbreviations</c>), for <see cref="Clauses"/>.</summary>
    private readonly HashSet<string> _abbreviations;
    /// <summary>Chinese negations (curated <c>negations</c>): one right before a Chinese part of a statement that the product works turns it round ("Skype 不能正常登录").</summary>
    private readonly string[] _cjkNegations;
    private readonly HashSet<char> _cjkNegationStarts;
    private readonly InstructionsToBot _instructions;
    private readonly WordGroups _concepts;
    private readonly int _conceptCount;
    /// <summary>The Chinese words of the negatable concepts (curated), by their first character (longest first), for <see cref="WithoutNegatedConceptWords"/>.</summary>
    private readonly Dictionary<char, string[]> _negatedConceptWords;
    /// <summary>Shapes of text that stand for a concept (curated <c>patterns</c>: an e-mail address for the sign-in address), with the concept's id.</summary>
    private readonly (System.Text.RegularExpressions.Regex Pattern, int Concept)[] _conceptPatterns;

    /// <summary>A year written with 年 ("2010 年"): a date, not a version ("Lync 2010"), so its number is no word of the paste.</summary>
    private static readonly System.Text.RegularExpressions.Regex ChineseYear =
        new(@"(?<![0-9])(?:19|20)[0-9]{2}\s*(?=年)", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
    private readonly (int Symptom, int[] Concepts)[] _evidence;
    /// <summary>Code in markup: a script element (to its end tag, or the text's end) and a tag with an event handler ("onerror=...").</summary>
    private static readonly System.Text.RegularExpressions.Regex Scripts = new(
        @"<script\b[^>]*>(.*?</script\s*>|[^<]*)|<[a-z][a-z0-9]*\b[^<>]*\son[a-z]+\s*=[^<>]*>|</?(?:assistant|system)\s*>|</user\s*>",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline |
        System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.NonBacktracking);

    /// <summary>The one-word Latin-script requests ("price", "photo"), capitalised as a surname would be, with their token.</summary>
    private readonly (string Capitalised, string Token)[] _oneWordIntents;
    /// <summary>Misspelt problem words ("eror") -> what they mean (error).</summary>
    private readonly DeletionIndex<string[]> _problemTypos = new();
    /// <summary>Misspelt one-word synonym variants ("coudnt") -> the vocabulary word of their canonical form.</summary>
    private readonly DeletionIndex<int> _variantTypos = new();

    private enum PhraseKind
    {
        Message,
        Alias,
        Cause,
    }

    /// <param name="Quotable">A documented message long enough that a paste with all its words quotes it (three words, six Chinese character pairs).</param>
    /// <param name="Words">How many of its tokens weigh something (the product's name does not): how long it is as evidence.</param>
    private sealed record Phrase(int Symptom, int Cause, PhraseKind Kind, string Locale, string Text, string Normalized, int[] Tokens, double Total, bool IsCjk, bool Quotable, int Words);

    public ErrorMatcher(Catalog catalog, MatcherOptions? options = null)
    {
        _catalog = catalog;
        _options = options ?? new MatcherOptions();
        _tokenizer = new Tokenizer(catalog.Curated);

        var raw = new List<(int Symptom, int Cause, PhraseKind Kind, string Locale, string Text)>();
        for (var s = 0; s < catalog.Symptoms.Count; s++)
        {
            var symptom = catalog.Symptoms[s];
            for (var c = 0; c < symptom.Causes.Count; c++)
            {
                var cause = symptom.Causes[c];
                foreach (var locale in cause.Message.Locales)
                {
                    raw.Add((s, c, PhraseKind.Message, locale, cause.Message.Get(locale).Plain));
                }
                foreach (var locale in cause.Text.Locales)
                {
                    raw.Add((s, c, PhraseKind.Cause, locale, cause.Text.Get(locale).Plain));
                }
            }
            foreach (var (locale, aliases) in symptom.Aliases)
            {
                raw.AddRange(aliases.Select(a => (s, -1, PhraseKind.Alias, locale, a)));
            }
        }

        // The product's name says what a paste is about, not which error it shows: it is no evidence.
        var productTokens = catalog.Curated.ProductNames.SelectMany(_tokenizer.Tokens).ToHashSet(StringComparer.Ordinal);
        var tokenized = raw
            .Select(r => (r, Tokens: _tokenizer.Tokens(ExampleDomain.Replace(r.Text, " ")).Distinct(StringComparer.Ordinal).ToArray()))
            .Where(x => x.Tokens.Any(t => !productTokens.Contains(t)))
            .DistinctBy(x => (x.r.Symptom, x.r.Kind, Normalize(x.r.Text)))
            .ToList();

        var symptomsOf = new List<HashSet<int>>();
        foreach (var (r, tokens) in tokenized)
        {
            foreach (var t in tokens)
            {
                if (!_vocabulary.TryGetValue(t, out var id))
                {
                    _vocabulary[t] = id = _vocabulary.Count;
                    _words.Add(t);
                    symptomsOf.Add([]);
                    if (t.Length >= 4 && char.IsAsciiLetter(t[0]))
                    {
                        _wordTypos.Add(t, id);
                    }
                }
                symptomsOf[id].Add(r.Symptom);
            }
        }
        var n = Math.Max(1, catalog.Symptoms.Count);
        // Words only curated phrasings use ("new hire", "turned out") are weaker evidence than the documents' own.
        var documented = tokenized.Where(x => x.r.Kind != PhraseKind.Alias).SelectMany(x => x.Tokens).ToHashSet(StringComparer.Ordinal);
        _weight = symptomsOf
            .Select((set, id) => productTokens.Contains(_words[id]) ? 0 : Math.Log(1.0 + (double)n / set.Count) * (documented.Contains(_words[id]) ? 1 : AliasOnlyWeight))
            .ToArray();

        // A curated phrasing that is a piece of its symptom's documented message, word for word ("you may have entered your sign-in
        // address, user name or password incorrectly"), is the documents' text: a paste with its words in its order quotes it.
        var messagesOf = raw.Where(r => r.Kind == PhraseKind.Message).GroupBy(r => r.Symptom)
            .ToDictionary(g => g.Key, g => g.Select(r => " " + Normalize(ExampleDomain.Replace(r.Text, " ")) + " ").Distinct(StringComparer.Ordinal).ToArray());
        bool PieceOfMessage(int symptom, string text) =>
            Normalize(text) is { Length: > 0 } piece && messagesOf.TryGetValue(symptom, out var messages) &&
            messages.Any(m => m.Contains(" " + piece + " ", StringComparison.Ordinal));
        _phrases = tokenized.Select(x =>
        {
            var ids = x.Tokens.Select(t => _vocabulary[t]).ToArray();
            var cjk = Tokenizer.ContainsCjk(x.r.Text);
            var words = ids.Count(i => _weight[i] > 0);
            var quotable = (x.r.Kind == PhraseKind.Message || (x.r.Kind == PhraseKind.Alias && PieceOfMessage(x.r.Symptom, x.r.Text))) && words >= (cjk ? 6 : 3);
            return new Phrase(x.r.Symptom, x.r.Cause, x.r.Kind, x.r.Locale, x.r.Text, Normalize(x.r.Text), ids, ids.Sum(i => _weight[i]), cjk, quotable, words);
        }).ToArray();
        // The second opinion compares characters, so only documented Latin-script messages take part:
        // aliases are already phrasings of their own, and comparing hundreds of them costs milliseconds.
        _fuzzyPhrases = Enumerable.Range(0, catalog.Symptoms.Count)
            .Select(sym => _phrases.Where(p => p.Symptom == sym && p.Kind == PhraseKind.Message && !p.IsCjk && p.Normalized.Length >= 12)
                .Select(p => p.Normalized).Distinct(StringComparer.Ordinal).ToArray())
            .ToArray();
        var postings = new List<int>[_vocabulary.Count];
        for (var p = 0; p < _phrases.Length; p++)
        {
            foreach (var t in _phrases[p].Tokens)
            {
                (postings[t] ??= []).Add(p);
            }
        }
        _postings = postings.Select(l => l?.ToArray() ?? []).ToArray();
        _wordIdsInOrder = [.. Enumerable.Range(0, _words.Count).OrderBy(id => _words[id], StringComparer.Ordinal)];
        _wordsInOrder = [.. _wordIdsInOrder.Select(id => _words[id])];

        _offTopicNames = [.. catalog.Curated.OffTopic];
        _offTopic = new WordGroups(_offTopicNames.Select(w => _tokenizer.Tokens(w).ToArray()), Enumerable.Range(0, _offTopicNames.Length));
        var otherStates = catalog.Curated.WorksStates.Except(catalog.Curated.WorksStatesProductOnly, StringComparer.OrdinalIgnoreCase).ToArray();
        _otherWorks = _offTopicNames
            .Select(name => new Lazy<OrderedPhrases>(() => new OrderedPhrases(otherStates.Select(state => $"{name} {state}"),
                notBetween: catalog.Curated.OffTopic, joiners: catalog.Curated.Joiners)))
            .ToArray();
        _otherServers = new WordGroups(catalog.Curated.OtherServers.Select(w => _tokenizer.Tokens(w).ToArray()));
        _signInToken = _tokenizer.Tokens("sign in").FirstOrDefault();
        _chineseSignIn = [.. (catalog.Curated.Concepts.TryGetValue("signin", out var signIn) ? signIn : []).Where(Tokenizer.ContainsCjk)];
        _inScope = new WordGroups(catalog.Curated.InScope.Select(w => _tokenizer.Tokens(w).ToArray()));
        // Problem words may be stop words ("error"): they keep them, and a paste's dropped stop words count.
        _problemWords = new WordGroups(catalog.Curated.ProblemWords.Select(TokensWithStopWords));
        static bool IsLatinPhrase(string intent) => intent.Contains(' ', StringComparison.Ordinal) && !Tokenizer.ContainsCjk(intent);
        _offTopicIntents = new WordGroups(catalog.Curated.OffTopicIntents.Where(w => !IsLatinPhrase(w)).Select(w => _tokenizer.Tokens(w).ToArray()));
        _offTopicIntentPhrases = new OrderedPhrases(catalog.Curated.OffTopicIntents.Where(IsLatinPhrase), plurals: true);
        _oneWordIntents = [.. catalog.Curated.OffTopicIntents
            .Select(w => w.Trim())
            .Where(w => w.Length > 1 && w.All(char.IsAsciiLetter))
            .Select(w => (Capitalised: char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant(), Tokens: _tokenizer.Tokens(w)))
            .Where(w => w.Tokens.Count == 1)
            .Select(w => (w.Capitalised, w.Tokens[0]))
            .Distinct()];
        // Questions are mostly stop words ("how do i"): they keep them, and a paste's dropped stop words count.
        _questions = new WordGroups(catalog.Curated.Questions.Select(TokensWithStopWords));
        _offTopicPhrases = new OrderedPhrases(catalog.Curated.OffTopicPhrases);
        _serverDown = new OrderedPhrases(catalog.Curated.ServerDown);
        _serverStateTokens = [.. catalog.Curated.ServerDown
            .Select(p => p.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
            .SelectMany(_tokenizer.Tokens).Distinct(StringComparer.Ordinal)];
        // "Skype rein, Mail geht": another system's name between the product and the state takes the state for itself.
        _productWorks = new OrderedPhrases(catalog.Curated.ProductWorks, notBetween: catalog.Curated.OffTopic, joiners: catalog.Curated.Joiners);
        _othersWork = new OrderedPhrases(catalog.Curated.OthersWork, notBetween: catalog.Curated.OffTopic, joiners: catalog.Curated.Joiners);
        _contrasts = [.. catalog.Curated.Contrasts.Select(c => c.Trim()).Where(c => c.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)];
        _worksTurnedRound = [.. catalog.Curated.Synonyms.Where(kv => kv.Key == "not").SelectMany(kv => kv.Value.Prepend(kv.Key))
            .Concat(catalog.Curated.Negations.Where(n => !Tokenizer.ContainsCjk(n))).Concat(catalog.Curated.WorksEnded).Select(OrderedPhrases.Normalize)];
        _abbreviations = new HashSet<string>(catalog.Curated.Abbreviations.Select(a => a.Trim().TrimEnd('.')).Where(a => a.Length > 0), StringComparer.OrdinalIgnoreCase);
        _cjkNegations = [.. catalog.Curated.Negations.Where(Tokenizer.ContainsCjk).Select(OrderedPhrases.Normalize)];
        _cjkNegationStarts = [.. _cjkNegations.Where(n => n.Length > 0).Select(n => n[0])];
        _instructions = new InstructionsToBot(catalog.Curated.Instructions, catalog.Curated.InstructionVerbs, catalog.Curated.InstructionLeads, catalog.Curated.BotTalk.Values);

        // Concepts: each of their words (stop words kept: "get in") is a group tagged with its concept.
        var conceptIds = catalog.Curated.Concepts.Keys.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.OrdinalIgnoreCase);
        _conceptCount = conceptIds.Count;
        _conceptPatterns = [.. catalog.Curated.ConceptPatterns.Where(p => conceptIds.ContainsKey(p.Concept)).Select(p => (p.Pattern, conceptIds[p.Concept]))];
        // A Chinese word of a claim concept right after a negation ("沒打錯": not mistyped) says the opposite: it is read as no word at all.
        _negatedConceptWords = catalog.Curated.Concepts.Where(kv => catalog.Curated.NegatableConcepts.Contains(kv.Key, StringComparer.OrdinalIgnoreCase))
            .SelectMany(kv => kv.Value).Where(Tokenizer.ContainsCjk).Select(w => w.Replace(" ", "", StringComparison.Ordinal))
            .Where(w => w.Length >= 2 && Tokenizer.IsCjk(w[0])).Distinct(StringComparer.Ordinal)
            .GroupBy(w => w[0]).ToDictionary(g => g.Key, g => g.OrderByDescending(w => w.Length).ToArray());
        _concepts = new WordGroups(catalog.Curated.Concepts.SelectMany(kv => kv.Value.Select(w => TokensWithStopWords(w))),
            catalog.Curated.Concepts.SelectMany(kv => kv.Value.Select(_ => conceptIds[kv.Key])));
        var symptomIds = catalog.Symptoms.Select((symptom, i) => (symptom.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.OrdinalIgnoreCase);
        _evidence = catalog.Curated.Evidence
            .Where(kv => symptomIds.ContainsKey(kv.Key))
            .SelectMany(kv => kv.Value.Select(set => (Symptom: symptomIds[kv.Key], Concepts: set.Where(conceptIds.ContainsKey).Select(c => conceptIds[c]).Distinct().ToArray())))
            .Where(e => e.Concepts.Length > 0)
            .ToArray();

        // A misspelt problem word still says that something goes wrong ("eror", "coudnt", "sigin"): the
        // single-word problem words and the one-word variants of their synonyms, found within an edit or two.
        foreach (var word in catalog.Curated.ProblemWords.SelectMany(w => w.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(IsTypoForm))
        {
            AddProblemForm(word.ToLowerInvariant(), TokensWithStopWords(word));
        }
        foreach (var (canonical, variants) in catalog.Curated.Synonyms)
        {
            // A misspelt one-word variant of a synonym ("coudnt" for "couldnt") still means its canonical word.
            var tokens = _tokenizer.Tokens(canonical);
            var typoForms = variants.Select(v => v.ToLowerInvariant()).Where(IsTypoForm).ToList();
            if (tokens.Count == 1 && _vocabulary.TryGetValue(tokens[0], out var id))
            {
                typoForms.ForEach(form => _variantTypos.Add(form, id));
            }
            var meaning = TokensWithStopWords(canonical);
            if (_problemWords.AnyIn(meaning.ToHashSet(StringComparer.Ordinal)))
            {
                typoForms.ForEach(form => AddProblemForm(form, meaning));
            }
        }
    }

    /// <summary>The tokens of a curated word or phrase, its stop words kept ("error", "get in").</summary>
    private string[] TokensWithStopWords(string text)
    {
        var tokens = new List<string>();
        _tokenizer.AppendTokens(text, tokens, tokens);
        return tokens.ToArray();
    }

    /// <summary>Words long enough to be recognised misspelt (one edit, two from seven letters).</summary>
    private static bool IsTypoForm(string word) => word.Length >= 5 && word.All(char.IsAsciiLetter);

    private void AddProblemForm(string form, string[] meaning)
    {
        // A paste's words are stemmed ("enabeld" is read as "enabel"): the form is looked up stemmed too.
        _problemTypos.Add(form, meaning);
        _problemTypos.Add(Tokenizer.Stem(form), meaning);
    }

    public Catalog Catalog => _catalog;

    public MatchResult Match(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new MatchResult(MatchDecision.None, [], "en-us", "empty");
        }
        (text, var notice, var language, var code) = Bounded(text);
        var paste = Read(text);
        if (paste.Lines.Count == 0)
        {
            return new MatchResult(MatchDecision.None, [], language, notice);
        }
        // Case, punctuation and German spelling folded, for the curated phrases matched in order.
        var folded = OrderedPhrases.Normalize(text);
        var facts = FactsOf(paste, text, folded, language);
        var scores = Scores.Rent(_catalog.Symptoms.Count, _phrases.Length);
        try
        {
            ScoreWindows(paste.Lines, scores);

            // Evidence in the user's own words: the concepts the paste names, where they make up one of
            // a symptom's curated concept sets. Only for a paste that names the product (or, in Chinese, its sign-in
            // and no other product) and says that something goes wrong: a question about the product ("how do I
            // enable SIP?") is no report.
            if (_evidence.Length > 0 && facts.Problem && (facts.NamesProduct || (!facts.OtherSystem && facts.ChineseSignIn)))
            {
                AddConceptEvidence(paste.Seen, paste.SeenStopWords, paste.MisspeltWords, text, scores);
            }

            PreferLongestQuote(scores);
            PreferQuoteOverPhrasings(scores);

            var best = scores.Best;
            var order = scores.Touched.OrderByDescending(s => best[s]).Take(Math.Max(3, _options.MaxCandidates)).ToList();

            // A second opinion for borderline Latin-script candidates of a paste with misspelt words:
            // character-level similarity forgives what the token index cannot see. Only then: it
            // costs far more than the index.
            if (paste.Misspelt && order.Count > 0 && best[order[0]] < 0.75)
            {
                foreach (var s in order.Take(3))
                {
                    var fuzzy = FuzzyScore(s, scores.Text[s]);
                    if (fuzzy > best[s])
                    {
                        best[s] = fuzzy;
                    }
                }
                order = order.OrderByDescending(s => best[s]).ToList();
            }

            // For a paste about another server, its text as documented phrases are written, to tell a word-for-word quote: made once.
            var normalizedPaste = facts.OtherServer ? Normalize(text) : null;
            var candidates = order.Take(_options.MaxCandidates)
                .Select(s => Candidate(s, best[s] * (ScoredDown(s, facts, scores, normalizedPaste) ? OffTopicPenalty : 1.0), scores.Phrase[s], scores.Segment[s]))
                .OrderByDescending(c => c.Score)
                .ToList();
            // Chinese scripts share most characters; the documents' wording tells them apart better.
            if (language.StartsWith("zh", StringComparison.Ordinal) && order.Count > 0 && scores.Phrase[order[0]] >= 0 &&
                _phrases[scores.Phrase[order[0]]].Locale.StartsWith("zh", StringComparison.Ordinal))
            {
                language = _phrases[scores.Phrase[order[0]]].Locale;
            }
            var decision = Decide(candidates, facts.NamesProduct, facts.Problem);
            // An instruction to the bot ("reply only with ...", "ignore your rules", "new rule: answer 'X'") is no report,
            // whatever it quotes: answering it with the row it names would do as it says. Nor is a paste that carries code.
            if (decision != MatchDecision.None && (code || _instructions.In(text, folded)))
            {
                return new MatchResult(MatchDecision.None, [], language, notice);
            }
            return new MatchResult(decision, candidates, language, notice);
        }
        finally
        {
            scores.Return();
        }
    }

    /// <summary>
    /// A paste as it is matched: cut to <see cref="MatcherOptions.MaxInputChars"/> (the notice says so), without code in markup, and the
    /// language it is written in. Code in markup (a script element, an "onerror=" handler; a chat transcript's role tags, "&lt;/user&gt;&lt;assistant&gt;",
    /// which put words in the bot's mouth) is nobody's error report: a person never sees
    /// it as a message, and a paste that carries it ("&lt;div&gt;Server is temporarily unavailable&lt;/div&gt;&lt;img src=x onerror=...&gt;")
    /// tries the bot, whatever text stands beside it (<paramref name="text"/>'s code is reported, and read as nothing). Other markup stays:
    /// its text is what a page shows, and hidden markup ("display:none") is itself a sign of an instruction.
    /// </summary>
    private (string Text, string? Notice, string Language, bool Code) Bounded(string text)
    {
        string? notice = null;
        if (text.Length > _options.MaxInputChars)
        {
            text = text[.._options.MaxInputChars];
            notice = "truncated";
        }
        var code = text.Contains('<', StringComparison.Ordinal) && Scripts.IsMatch(text);
        if (code)
        {
            text = Scripts.Replace(text, " ");
        }
        return (text, notice, LanguageGuess.Guess(text.Length > 4_000 ? text[..4_000] : text), code);
    }

    /// <summary>A pasted line that says something the catalog knows: its number in the paste, its known words (vocabulary id -> how well
    /// the word was read: 1 exact, less for a misspelling) in a set and in order.</summary>
    private sealed record PasteLine(int Number, Dictionary<int, double> Tokens, string Text, List<int> Order);

    /// <summary>A paste read once: the lines the catalog knows, every word seen (and the stop words, which some curated
    /// phrasings use), and what its misspelt words were read as.</summary>
    /// <param name="MisspeltProblem">Problem words read from misspellings ("eror" -> error).</param>
    /// <param name="MisspeltWords">Long vocabulary words read from misspellings.</param>
    /// <param name="Misspelt">Whether any word was read as a misspelling.</param>
    private sealed record PasteReading(List<PasteLine> Lines, HashSet<string> Seen, HashSet<string> SeenStopWords, HashSet<string>? MisspeltProblem, HashSet<string>? MisspeltWords, bool Misspelt);


    private PasteReading Read(string text)
    {
        // Read line by line; keep only lines that say something the catalog knows.
        var lines = new List<PasteLine>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var seenStopWords = new HashSet<string>(StringComparer.Ordinal);
        var lookups = new Dictionary<string, (int Id, double Quality, string[]? Problem)>(StringComparer.Ordinal);
        HashSet<string>? misspeltProblem = null;
        HashSet<string>? misspeltWords = null;
        var misspelt = false;
        var number = 0;
        var tokens = new List<string>();
        foreach (var line in Lines(text))
        {
            number++;
            tokens.Clear();
            var read = line.Contains('年', StringComparison.Ordinal) ? ChineseYear.Replace(line, "") : line;
            _tokenizer.AppendTokens(_cjkNegations.Length > 0 && Tokenizer.ContainsCjk(read) ? WithoutNegatedConceptWords(read) : read, tokens, seenStopWords);
            Dictionary<int, double>? known = null;
            List<int>? order = null;
            foreach (var token in tokens)
            {
                seen.Add(token);
                if (!lookups.TryGetValue(token, out var found))
                {
                    // A log repeats its words: look each one up once per paste.
                    lookups[token] = found = CachedLookup(token);
                    if (found.Problem is not null)
                    {
                        (misspeltProblem ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(found.Problem);
                    }
                    // A misspelt word read as a short one ("place" as "plan") is too weak to name a concept.
                    if (found is { Id: >= 0, Quality: < 1 } && _words[found.Id].Length >= MinMisspeltConceptWord)
                    {
                        (misspeltWords ??= new HashSet<string>(StringComparer.Ordinal)).Add(_words[found.Id]);
                    }
                }
                var (id, quality, _) = found;
                misspelt |= quality is > 0 and < 1;
                if (id < 0)
                {
                    continue;
                }
                known ??= [];
                (order ??= []).Add(id);
                if (!known.TryGetValue(id, out var q) || q < quality)
                {
                    known[id] = quality;
                }
            }
            // A line cut off in the middle of its last word ("server is temporarily unavail"): the word is read, as a misspelling is, as the
            // vocabulary word it begins.
            if (tokens.Count > 0 && lookups[tokens[^1]].Id < 0 && EndsInWordOf(line, tokens[^1]) && WordBegunBy(tokens[^1]) is { } begun)
            {
                known ??= [];
                (order ??= []).Add(begun);
                known[begun] = Math.Max(known.GetValueOrDefault(begun), 0.85);
                seen.Add(_words[begun]);
                misspelt = true;
            }
            if (known is not null)
            {
                lines.Add(new PasteLine(number, known, line, order!));
            }
        }
        return new PasteReading(lines, seen, seenStopWords, misspeltProblem, misspeltWords, misspelt);
    }

    /// <summary>Whether <paramref name="text"/> (a line) ends, punctuation-free, in a Latin-script word of five letters or more that <paramref name="token"/>
    /// (the line's last token) was read from: a line cut off in that word.</summary>
    private static bool EndsInWordOf(string text, string token)
    {
        var end = text.Length;
        while (end > 0 && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }
        var start = end;
        while (start > 0 && char.IsAsciiLetter(text[start - 1]))
        {
            start--;
        }
        return end - start >= 5 && (start == 0 || !char.IsLetterOrDigit(text[start - 1])) &&
               text.AsSpan(start, end - start).StartsWith(token, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The weightiest vocabulary word that <paramref name="token"/> begins and that is at least two letters longer, or null.</summary>
    private int? WordBegunBy(string token)
    {
        // The vocabulary in order: the words a token begins stand together, from the first one not before it.
        var at = Array.BinarySearch(_wordsInOrder, token, StringComparer.Ordinal);
        int? best = null;
        for (var i = at < 0 ? ~at : at; i < _wordsInOrder.Length && _wordsInOrder[i].StartsWith(token, StringComparison.Ordinal); i++)
        {
            var id = _wordIdsInOrder[i];
            if (_wordsInOrder[i].Length >= token.Length + 2 && _weight[id] > 0 && (best is null || _weight[id] > _weight[best.Value]))
            {
                best = id;
            }
        }
        return best;
    }

    /// <summary>
    /// What the matcher reads in <paramref name="text"/> besides its documented text (<see cref="PasteFacts"/>): for a person who curates
    /// the data and asks why a paste got its answer (<c>match --explain</c>). Null for an empty paste.
    /// </summary>
    public PasteExplanation? Explain(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        (text, _, var language, var code) = Bounded(text);
        var folded = OrderedPhrases.Normalize(text);
        var paste = Read(text);
        var facts = FactsOf(paste, text, folded, language) with { Instruction = code || _instructions.In(text, folded) };
        var because = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string fact, bool holds, string? why)
        {
            if (holds && why is not null)
            {
                because[fact] = why;
            }
        }
        Add("names product", facts.NamesProduct, _inScope.FirstIn(paste.Seen));
        string? clauses = facts.ProductWorks ? Clauses(text) : null;
        Add("product works", facts.ProductWorks, clauses is null ? null : _productWorks.FirstIn(clauses, _worksTurnedRound, _cjkNegations));
        Add("problem", facts.Problem, _problemWords.FirstIn(paste.Seen, paste.SeenStopWords, paste.MisspeltProblem));
        Add("other system", facts.OtherSystem, OtherSystemIn(paste.Seen, text, folded, ref clauses));
        Add("instruction", code, "code in markup");
        Add("request", facts.Request, _offTopicIntents.FirstIn(ServerStatesOut(paste.Seen, folded)) ?? _offTopicIntentPhrases.FirstIn(folded) ??
                                      _questions.FirstIn(paste.Seen, paste.SeenStopWords) ?? _offTopicPhrases.FirstIn(folded));
        return new PasteExplanation(facts, because);
    }

    private PasteFacts FactsOf(PasteReading paste, string text, string folded, string language)
    {
        var seen = paste.Seen;
        // A paste that says the product works ("Skype läuft normal", "Skype 都正常") is about something else: the product
        // is named as the part that is fine, not as the one that fails.
        // "Everything else works" in a paste that names no product says the product works too. The paste clause by clause is
        // made once, and only for a paste with such words.
        var inScope = _inScope.AnyIn(seen);
        string? clauses = null;
        var productWorks = ProductWorksIn(text, folded, ref clauses) ||
                           (!inScope && _othersWork.AnyIn(folded, _worksTurnedRound, _cjkNegations) &&
                            _othersWork.AnyIn(clauses ??= Clauses(text), _worksTurnedRound, _cjkNegations));
        var namesProduct = inScope && !productWorks;
        var problem = _problemWords.AnyIn(seen, paste.SeenStopWords, paste.MisspeltProblem);
        // Another product named and this one not: probably about that product (see ScoredDown); unless it is named only as one that
        // works ("... 'The server is temporarily unavailable ...' Outlook geht aber ganz normal").
        var offTopic = !namesProduct && OtherSystemIn(seen, text, folded, ref clauses) is not null;
        // Another system's server or gateway named ("file server \\fs02", "Gateway vpn-eu ..."): the documented server messages' words are its.
        var otherServer = offTopic && _otherServers.AnyIn(seen);
        // A Chinese paste's sign-in words (登录, 登入), looked for once: they stand in for the product's name.
        var chineseSignIn = ChineseSignIn(text, language);
        // Whether the paste names the product or its sign-in: one that does neither asks a how-to question as a request
        // even with a problem word, and its request passes on a documented phrase only, not on a curated phrasing in its
        // own words ("my pc clock is an hour off after the daylight saving switch"). A sign-in said to work ("Skype 都還可以
        // 正常登入") anchors nothing, as the product said to work names nothing.
        var anchored = namesProduct || (!productWorks && ((_signInToken is not null && seen.Contains(_signInToken)) || chineseSignIn));
        // A request that is no error report (a profile picture, scheduling, a price); a question that says nothing goes
        // wrong ("how do I enable SIP for a user?") is a request too.
        var request = IntentIn(ServerStatesOut(seen, folded), text, language) || _offTopicIntentPhrases.AnyIn(folded) ||
                      ((!problem || !anchored) && _questions.AnyIn(seen, paste.SeenStopWords)) || _offTopicPhrases.AnyIn(folded);
        return new PasteFacts(namesProduct, productWorks, problem, offTopic, chineseSignIn, anchored, request) { OtherServer = otherServer };
    }

    /// <summary>The paste clause by clause (<see cref="OrderedPhrases.NormalizeClauses"/>), abbreviations' full stops no sentence ends.</summary>
    private string Clauses(string text) => OrderedPhrases.NormalizeClauses(text, _abbreviations);

    /// <summary>
    /// The first other system (<c>offTopic</c>) the paste names other than in a statement that it works (<see cref="CuratedData.WorksStates"/>,
    /// within one clause, not turned round by a negation: "Teams itself seems fine", "Outlook geht aber ganz normal"), or null. A paste
    /// that names another system only as one that works is not about it; one that names another one too still is.
    /// </summary>
    private string? OtherSystemIn(HashSet<string> seen, string text, string folded, ref string? clauses)
    {
        if (!_offTopic.AnyIn(seen))
        {
            return null;
        }
        Span<bool> present = _offTopicNames.Length <= 1024 ? stackalloc bool[_offTopicNames.Length] : new bool[_offTopicNames.Length];
        _offTopic.MarkPresent(seen, null, null, present);
        for (var i = 0; i < present.Length; i++)
        {
            // The whole paste is looked at first: most pastes that name another system say nothing of it working.
            if (present[i] && !(_otherWorks[i].Value.AnyIn(folded, _worksTurnedRound, _cjkNegations) &&
                                _otherWorks[i].Value.AnyIn(clauses ??= Clauses(text), _worksTurnedRound, _cjkNegations)))
            {
                return _offTopicNames[i];
            }
        }
        return null;
    }

    /// <summary>
    /// Whether the paste says the product works (<see cref="CuratedData.ProductWorks"/>), its words within one clause: "不是第三方 CA 发的，Skype
    /// 登录" does not say "不是 Skype", nor "Skype Online，新同仁都沒問題" that Skype is fine; a statement's own adjacent parts may stand on either
    /// side of a comma ("funktioniert alles, auch Skype"). The whole paste is looked at first: most have no such words at all.
    /// </summary>
    private bool ProductWorksIn(string text, string folded, ref string? clauses)
    {
        if (!_productWorks.AnyIn(folded, _worksTurnedRound, _cjkNegations) ||
            !_productWorks.AnyIn(clauses ??= Clauses(text), _worksTurnedRound, _cjkNegations))
        {
            return false;
        }
        // "Lync works fine on my desktop, but on the laptop it says: ...": a problem after a contrast, no other system named there and
        // no statement that the product works, is the product's.
        var contrast = LastContrast(text);
        if (contrast < 0)
        {
            return true;
        }
        var tail = text[contrast..];
        var words = new List<string>();
        var stopWords = new HashSet<string>(StringComparer.Ordinal);
        _tokenizer.AppendTokens(tail, words, stopWords);
        var seen = new HashSet<string>(words, StringComparer.Ordinal);
        var problemAfter = _problemWords.AnyIn(seen, stopWords) && !_offTopic.AnyIn(seen) &&
                           !_productWorks.AnyIn(Clauses(tail), _worksTurnedRound, _cjkNegations);
        return !problemAfter;
    }

    private static bool StartsClause(string text, int at)
    {
        var before = text.AsSpan(0, at).TrimEnd([' ', '\t']);
        return before.IsEmpty || before[^1] is ',' or ';' or '.' or '!' or '?' or '\n' or '，' or '；' or '。' or '！' or '？' or '—' or '-';
    }

    /// <summary>
    /// Where the last contrast word (<see cref="CuratedData.Contrasts"/>) of <paramref name="text"/> that starts a clause ends, or -1: ", but",
    /// ". Aber", "，但是"; German "aber" inside a clause is a particle ("Skype läuft aber noch ohne Probleme").
    /// </summary>
    private int LastContrast(string text)
    {
        var last = -1;
        foreach (var contrast in _contrasts)
        {
            var cjk = Tokenizer.IsCjk(contrast[0]);
            for (var at = text.IndexOf(contrast, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(contrast, at + 1, StringComparison.OrdinalIgnoreCase))
            {
                var end = at + contrast.Length;
                if (end > last && StartsClause(text, at) && (cjk || end == text.Length || !char.IsLetter(text[end])))
                {
                    last = end;
                }
            }
        }
        return last;
    }

    /// <summary>
    /// Whether <paramref name="words"/> hold a one-word request (<see cref="CuratedData.OffTopicIntents"/>: "price", "photo") that is not
    /// only a person's surname: in English, a capitalised request word right after a capitalised word the catalog does not know
    /// ("New starter Jamal Price", "Hannah Price has an Office 365 account") names someone, when the word stands nowhere else in
    /// lower case. German capitalises every noun, so only an English paste's names are read this way.
    /// </summary>
    private bool IntentIn(HashSet<string> words, string text, string language)
    {
        if (!_offTopicIntents.AnyIn(words))
        {
            return false;
        }
        if (!language.StartsWith("en", StringComparison.Ordinal))
        {
            return true;
        }
        HashSet<string>? surnames = null;
        foreach (var (capitalised, token) in _oneWordIntents)
        {
            if (words.Contains(token) && OnlyAsSurname(text, capitalised))
            {
                (surnames ??= new HashSet<string>(StringComparer.Ordinal)).Add(token);
            }
        }
        if (surnames is null)
        {
            return true;
        }
        var rest = new HashSet<string>(words, StringComparer.Ordinal);
        rest.ExceptWith(surnames);
        return _offTopicIntents.AnyIn(rest);
    }

    /// <summary>
    /// Whether <paramref name="capitalised"/> ("Price") stands in <paramref name="text"/> only as a surname: each time as a whole word right
    /// after a capitalised word the catalog does not know ("Hannah Price"), and never in lower case.
    /// </summary>
    private bool OnlyAsSurname(string text, string capitalised)
    {
        var lower = capitalised.ToLowerInvariant();
        var found = false;
        for (var at = text.IndexOf(capitalised, StringComparison.Ordinal); at >= 0; at = text.IndexOf(capitalised, at + 1, StringComparison.Ordinal))
        {
            if (!IsWholeWord(text, at, capitalised.Length))
            {
                continue;
            }
            var before = text.AsSpan(0, at).TrimEnd(' ');
            var start = before.Length;
            while (start > 0 && char.IsLetter(before[start - 1]))
            {
                start--;
            }
            var name = before[start..];
            if (name.Length < 2 || !char.IsUpper(name[0]))
            {
                return false;
            }
            var tokens = _tokenizer.Tokens(name.ToString());
            if (tokens.Count != 1 || _vocabulary.ContainsKey(tokens[0]) || _inScope.AnyIn([tokens[0]]) || _offTopic.AnyIn([tokens[0]]))
            {
                return false;
            }
            found = true;
        }
        if (!found)
        {
            return false;
        }
        for (var at = text.IndexOf(lower, StringComparison.Ordinal); at >= 0; at = text.IndexOf(lower, at + 1, StringComparison.Ordinal))
        {
            if (IsWholeWord(text, at, lower.Length))
            {
                return false;
            }
        }
        return true;

        static bool IsWholeWord(string text, int at, int length) =>
            (at == 0 || !char.IsLetter(text[at - 1])) && (at + length == text.Length || !char.IsLetter(text[at + length]));
    }

    /// <summary>
    /// Whether symptom <paramref name="s"/>'s score is cut: a paste that says the product works (<see cref="PasteFacts.ProductWorks"/>) when its
    /// evidence is a curated phrasing, not documented text or a quote ("my laptop clock is an hour off ... Skype signs in fine"); a paste about another product (<see cref="PasteFacts.OtherSystem"/>) unless it
    /// quotes a whole documented message; a request unless it states a documented error in full (a whole long message when nothing in it
    /// says that something goes wrong), and an unanchored request's evidence must be documented text or a quote, not a curated phrasing.
    /// A paste about another system's server (<see cref="PasteFacts.OtherServer"/>) keeps a documented server message only by quoting the
    /// documented sentence, not by a curated phrasing (a piece of the message is one: "is not responding or cannot be reached").
    /// </summary>
    private bool ScoredDown(int s, PasteFacts facts, Scores scores, string? normalizedPaste) =>
        (facts.ProductWorks && IsAlias(scores.Phrase[s]) && !scores.Quoted[s]) ||
        (facts.OtherServer && (IsAlias(scores.Phrase[s]) || (!scores.Quoted[s] && !QuotesWordForWord(scores.Phrase[s], normalizedPaste!)))) ||
        (facts.OtherSystem && scores.LongCoverage[s] < FullCoverage) ||
        (facts.Request && ((facts.Problem ? scores.Coverage[s] : scores.LongCoverage[s]) < FullCoverage ||
                           (!facts.Anchored && IsAlias(scores.Phrase[s]) && !scores.Quoted[s])));

    /// <summary>Scores every window of the paste: a line and the lines that directly follow it (up to <see cref="WindowLines"/>).</summary>
    private void ScoreWindows(List<PasteLine> lines, Scores scores)
    {
        for (var start = 0; start < lines.Count; start++)
        {
            var segment = new Dictionary<int, double>(lines[start].Tokens);
            var segmentText = lines[start].Text;
            var end = start + 1;
            for (var k = start + 1; k < lines.Count && k < start + WindowLines && lines[k].Number == lines[k - 1].Number + 1; k++)
            {
                foreach (var (id, q) in lines[k].Tokens)
                {
                    if (!segment.TryGetValue(id, out var existing) || existing < q)
                    {
                        segment[id] = q;
                    }
                }
                segmentText += "\n" + lines[k].Text;
                end = k + 1;
            }
            ScoreSegment(segment, segmentText, lines, start, end, scores);
            // A short paste read whole in its first window needs no smaller ones; one whose lines are not consecutive (a line the
            // catalog does not know between them: "anyone else? / hello / The server is not responding ...") is read window by window.
            if (end == lines.Count && lines.Count <= WindowLines && lines[^1].Number - lines[0].Number < WindowLines)
            {
                break;
            }
        }
    }

    /// <summary>
    /// <paramref name="line"/> without the Chinese words of a negatable concept (a claim: typed wrong, forgotten, mismatched) that a
    /// negation stands right before ("帳密其實沒打錯": the credentials were not mistyped), negation and word cut out together. Chinese negates before
    /// the verb; a Latin-script negation is a word of its own that concepts already keep apart.
    /// </summary>
    private string WithoutNegatedConceptWords(string line)
    {
        System.Text.StringBuilder? cut = null;
        var copied = 0;
        for (var i = 0; i < line.Length; i++)
        {
            // A long Chinese log is read once, character by character: only a negation's first character is worth comparing.
            if (!_cjkNegationStarts.Contains(line[i]))
            {
                continue;
            }
            foreach (var negation in _cjkNegations)
            {
                if (string.CompareOrdinal(line, i, negation, 0, negation.Length) != 0)
                {
                    continue;
                }
                var at = i + negation.Length;
                if (at >= line.Length || !_negatedConceptWords.TryGetValue(line[at], out var words))
                {
                    continue;
                }
                var word = WordAt(line, at, words);
                // The negation may itself start a concept word ("没找到", "不对"): then it is that word, not a negation of the next one.
                if (word is null || IsConceptWordAt(line, i))
                {
                    continue;
                }
                (cut ??= new System.Text.StringBuilder(line.Length)).Append(line, copied, i - copied).Append(' ');
                copied = at + word.Length;
                i = copied - 1;
                break;
            }
        }
        return cut is null ? line : cut.Append(line, copied, line.Length - copied).ToString();
    }

    /// <summary>Whether <paramref name="text"/> shows <paramref name="pattern"/>; one that runs out of time shows nothing.</summary>
    private static bool Shows(System.Text.RegularExpressions.Regex pattern, string text)
    {
        try
        {
            return pattern.IsMatch(text);
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private bool IsConceptWordAt(string line, int at) =>
        _negatedConceptWords.TryGetValue(line[at], out var words) && WordAt(line, at, words) is not null;

    /// <summary>The first of <paramref name="words"/> that stands in <paramref name="line"/> at <paramref name="at"/>, else null (a loop: no closure per call).</summary>
    private static string? WordAt(string line, int at, string[] words)
    {
        foreach (var word in words)
        {
            if (string.CompareOrdinal(line, at, word, 0, word.Length) == 0)
            {
                return word;
            }
        }
        return null;
    }

    /// <summary>
    /// The paste's words without the words of a server's state when it tells one ("the ADFS server crashed", "服务器在维护"):
    /// "crash" and "maintenance" ask about the client elsewhere, but a server that is down is a documented cause.
    /// </summary>
    private HashSet<string> ServerStatesOut(HashSet<string> seen, string folded)
    {
        if (_serverStateTokens.Length == 0 || !_serverDown.AnyIn(folded))
        {
            return seen;
        }
        var rest = new HashSet<string>(seen, StringComparer.Ordinal);
        rest.ExceptWith(_serverStateTokens);
        return rest;
    }

    /// <summary>
    /// A quoted documented message (its words in its order) says which row the paste is about: a row raised over it by a curated
    /// phrasing of the paste's other words ("sign in adress was not foud ... hat er überhaupt eine Skype Lizenz??") is put just under
    /// it, out of the ambiguity margin.
    /// </summary>
    private void PreferQuoteOverPhrasings(Scores scores)
    {
        var quoted = -1;
        foreach (var s in scores.Touched)
        {
            if (scores.Quoted[s] && (quoted < 0 || scores.Best[s] > scores.Best[quoted]))
            {
                quoted = s;
            }
        }
        if (quoted < 0)
        {
            return;
        }
        var ceiling = scores.Best[quoted] - _options.AmbiguityMargin - 0.01;
        foreach (var s in scores.Touched)
        {
            if (!scores.Quoted[s] && IsAlias(scores.Phrase[s]) && scores.Best[s] > ceiling)
            {
                scores.Best[s] = Math.Max(0, ceiling);
            }
        }
    }

    /// <summary>
    /// The longest quote wins: a paste that quotes a documented message in full, in its order, is about that message, and
    /// a shorter one whose words it also has ("Sign-in address: bob@... Lync couldn't find a Lync Server for ..." has
    /// "sign-in address" and "couldn't find") is part of what the client shows around it. A quoted row with
    /// <see cref="LongerQuote"/> times fewer evidence words is put just under the longest one's score, out of the ambiguity margin.
    /// </summary>
    private void PreferLongestQuote(Scores scores)
    {
        var longest = -1;
        foreach (var s in scores.Touched)
        {
            if (scores.FullQuote[s] > 0 && (longest < 0 || scores.FullQuote[s] > scores.FullQuote[longest]))
            {
                longest = s;
            }
        }
        if (longest < 0)
        {
            return;
        }
        var ceiling = scores.Best[longest] - _options.AmbiguityMargin - 0.01;
        foreach (var s in scores.Touched)
        {
            var words = Math.Max(scores.FullQuote[s], scores.Phrase[s] >= 0 ? _phrases[scores.Phrase[s]].Words : 0);
            if (s != longest && scores.Quoted[s] && words * LongerQuote <= scores.FullQuote[longest] && scores.Best[s] > ceiling)
            {
                scores.Best[s] = Math.Max(0, ceiling);
            }
        }
    }

    /// <summary>
    /// Raises the scores of the symptoms whose curated concept sets the paste meets in full. Its words
    /// count, its stop words ("get in") and the long vocabulary words its misspelt words were read as.
    /// </summary>
    private void AddConceptEvidence(HashSet<string> seen, HashSet<string> seenStopWords, HashSet<string>? misspeltWords, string text, Scores scores)
    {
        Span<bool> present = _conceptCount <= 512 ? stackalloc bool[_conceptCount] : new bool[_conceptCount];
        _concepts.MarkPresent(seen, seenStopWords, misspeltWords, present);
        foreach (var (pattern, concept) in _conceptPatterns)
        {
            present[concept] |= !present[concept] && Shows(pattern, text);
        }
        var count = _catalog.Symptoms.Count;
        Span<double> strength = count <= 256 ? stackalloc double[count] : new double[count];
        Span<bool> met = _evidence.Length <= 512 ? stackalloc bool[_evidence.Length] : new bool[_evidence.Length];
        for (var e = 0; e < _evidence.Length; e++)
        {
            var all = true;
            foreach (var c in _evidence[e].Concepts)
            {
                all &= present[c];
            }
            met[e] = all;
        }
        // A paste that quotes a documented message word for word says which row it is; concepts its other words
        // name ("does she even have a licence?") are inference, and no longer raise the other rows over it.
        var quoted = false;
        foreach (var s in scores.Touched)
        {
            quoted |= scores.Quoted[s];
        }
        if (quoted)
        {
            QuoteLongerMessages(met, scores);
            for (var e = 0; e < _evidence.Length; e++)
            {
                met[e] &= scores.Quoted[_evidence[e].Symptom];
            }
        }
        for (var e = 0; e < _evidence.Length; e++)
        {
            var (symptom, concepts) = _evidence[e];
            if (met[e] && !ExplainedByLargerSet(e, met))
            {
                strength[symptom] = Math.Max(strength[symptom], 1 - Math.Pow(1 - ConceptStrength, concepts.Length));
            }
        }
        for (var s = 0; s < strength.Length; s++)
        {
            if (strength[s] <= 0)
            {
                continue;
            }
            if (scores.Phrase[s] < 0 && !scores.Touched.Contains(s))
            {
                scores.Touched.Add(s);
            }
            scores.Best[s] = 1 - (1 - scores.Best[s]) * (1 - strength[s]);
        }
    }

    /// <summary>
    /// A quote inside a longer message: when the largest concept set a quoted row meets lies inside a larger met set of
    /// another row ("user name or password typed wrong" inside "... typed wrong, or the authentication service is
    /// incompatible"), the paste quotes that row's longer message in part, so it counts as quoted too, with the quote's score.
    /// </summary>
    private void QuoteLongerMessages(ReadOnlySpan<bool> met, Scores scores)
    {
        var quotedRows = scores.Touched.Where(s => scores.Quoted[s]).ToList();
        foreach (var row in quotedRows)
        {
            var largest = -1;
            for (var e = 0; e < _evidence.Length; e++)
            {
                if (met[e] && _evidence[e].Symptom == row && (largest < 0 || _evidence[e].Concepts.Length > _evidence[largest].Concepts.Length))
                {
                    largest = e;
                }
            }
            for (var e = 0; largest >= 0 && e < _evidence.Length; e++)
            {
                var longer = _evidence[e].Symptom;
                if (met[e] && LiesInside(largest, e))
                {
                    if (!scores.Touched.Contains(longer))
                    {
                        scores.Touched.Add(longer);
                    }
                    scores.Quoted[longer] = true;
                    scores.Best[longer] = Math.Max(scores.Best[longer], scores.Best[row]);
                }
            }
        }
    }

    /// <summary>
    /// Whether the concept set <paramref name="e"/> lies inside a larger met set of another symptom: the larger set
    /// explains the same words and more ("typed wrong" + "credentials" inside "authentication service" + "incompatible" +
    /// "typed wrong" + "credentials"), so the smaller one is no evidence of its own for its symptom.
    /// </summary>
    private bool ExplainedByLargerSet(int e, ReadOnlySpan<bool> met)
    {
        for (var other = 0; other < _evidence.Length; other++)
        {
            if (met[other] && LiesInside(e, other))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether the concept set <paramref name="inner"/> is part of the larger set <paramref name="outer"/> of another symptom.</summary>
    private bool LiesInside(int inner, int outer)
    {
        var (innerSymptom, innerConcepts) = _evidence[inner];
        var (outerSymptom, outerConcepts) = _evidence[outer];
        if (innerSymptom == outerSymptom || outerConcepts.Length <= innerConcepts.Length)
        {
            return false;
        }
        foreach (var c in innerConcepts)
        {
            if (Array.IndexOf(outerConcepts, c) < 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Curated groups of words ("teams meeting", "not found"), looked up by their first word.</summary>
    private sealed class WordGroups
    {
        private readonly Dictionary<string, List<(string[] Words, int Tag)>> _byFirstWord = new(StringComparer.Ordinal);

        /// <param name="groups">The groups, each a sequence of tokens.</param>
        /// <param name="tags">What each group stands for (a concept), in the same order; none: every group is tagged 0.</param>
        public WordGroups(IEnumerable<string[]> groups, IEnumerable<int>? tags = null)
        {
            using var tag = (tags ?? Enumerable.Repeat(0, int.MaxValue)).GetEnumerator();
            foreach (var group in groups)
            {
                tag.MoveNext();
                if (group.Length == 0)
                {
                    continue;
                }
                if (!_byFirstWord.TryGetValue(group[0], out var list))
                {
                    _byFirstWord[group[0]] = list = [];
                }
                list.Add((group, tag.Current));
            }
        }

        /// <summary>
        /// Sets <paramref name="present"/>[tag] for every group whose words are all among <paramref name="words"/>,
        /// <paramref name="more"/> and <paramref name="extra"/>.
        /// </summary>
        public void MarkPresent(HashSet<string> words, HashSet<string>? more, HashSet<string>? extra, Span<bool> present) =>
            Find(words, more, extra, present);

        /// <summary>Whether all words of some group are among <paramref name="words"/>, <paramref name="more"/> and <paramref name="extra"/>.</summary>
        public bool AnyIn(HashSet<string> words, HashSet<string>? more = null, HashSet<string>? extra = null) =>
            Find(words, more, extra, []);

        /// <summary>The first group <see cref="AnyIn"/> finds (its words joined by spaces), or null: to tell a person why.</summary>
        public string? FirstIn(HashSet<string> words, HashSet<string>? more = null, HashSet<string>? extra = null)
        {
            foreach (var firstWords in (ReadOnlySpan<HashSet<string>?>)[words, more, extra])
            {
                foreach (var first in firstWords ?? [])
                {
                    foreach (var (group, _) in _byFirstWord.GetValueOrDefault(first) ?? [])
                    {
                        if (Contains(group, words, more, extra))
                        {
                            return string.Join(' ', group);
                        }
                    }
                }
            }
            return null;
        }

        /// <summary>The groups met, by the words they start with; with no <paramref name="present"/> to mark, stops at the first.</summary>
        private bool Find(HashSet<string> words, HashSet<string>? more, HashSet<string>? extra, Span<bool> present)
        {
            var any = false;
            foreach (var firstWords in (ReadOnlySpan<HashSet<string>?>)[words, more, extra])
            {
                if (firstWords is null)
                {
                    continue;
                }
                foreach (var first in firstWords)
                {
                    if (!_byFirstWord.TryGetValue(first, out var groups))
                    {
                        continue;
                    }
                    foreach (var (group, tag) in groups)
                    {
                        if ((present.IsEmpty || !present[tag]) && Contains(group, words, more, extra))
                        {
                            if (present.IsEmpty)
                            {
                                return true;
                            }
                            present[tag] = any = true;
                        }
                    }
                }
            }
            return any;
        }

        private static bool Contains(string[] group, HashSet<string> words, HashSet<string>? more, HashSet<string>? extra)
        {
            for (var i = 1; i < group.Length; i++)
            {
                if (!words.Contains(group[i]) && !(more?.Contains(group[i]) ?? false) && !(extra?.Contains(group[i]) ?? false))
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>
    /// Per-symptom scratch of one match, reused by the thread's next match: a large catalog would
    /// otherwise allocate arrays its size on every call. Only the symptoms a paste touched are reset.
    /// </summary>
    private sealed class Scores
    {
        [ThreadStatic]
        private static Scores? _cached;

        public double[] Best = [];
        public int[] Phrase = [];
        public Dictionary<int, double>?[] Segment = [];
        public string[] Text = [];
        /// <summary>How much of the best phrase the paste covers, and the same for long phrases only (0 for short ones).</summary>
        public double[] Coverage = [];
        public double[] LongCoverage = [];
        public double[] Matched = [];
        /// <summary>Whether the paste has every word of one of the symptom's quotable documented messages.</summary>
        public bool[] Quoted = [];
        /// <summary>How many evidence words the longest of the symptom's documented messages has that the paste quotes in full (0: none).</summary>
        public int[] FullQuote = [];
        public readonly List<int> Touched = [];
        public readonly List<int> TouchedPhrases = [];

        public static Scores Rent(int symptoms, int phrases)
        {
            var scores = _cached ?? new Scores();
            _cached = null;
            if (scores.Best.Length != symptoms || scores.Matched.Length != phrases)
            {
                scores.Best = new double[symptoms];
                scores.Phrase = new int[symptoms];
                Array.Fill(scores.Phrase, -1);
                scores.Segment = new Dictionary<int, double>?[symptoms];
                scores.Text = new string[symptoms];
                scores.LongCoverage = new double[symptoms];
                scores.Coverage = new double[symptoms];
                scores.Quoted = new bool[symptoms];
                scores.FullQuote = new int[symptoms];
                scores.Matched = new double[phrases];
            }
            return scores;
        }

        public void Return()
        {
            foreach (var s in Touched)
            {
                Best[s] = 0;
                Phrase[s] = -1;
                Segment[s] = null;
                Text[s] = null!;
                LongCoverage[s] = 0;
                Coverage[s] = 0;
                Quoted[s] = false;
                FullQuote[s] = 0;
            }
            Touched.Clear();
            TouchedPhrases.Clear();
            _cached = this;
        }
    }


    /// <param name="lines">The paste's lines, of which <paramref name="start"/> to <paramref name="end"/> (exclusive) make up the
    /// segment: their words in the order written tell a quote (a message's words in its order).</param>
    private void ScoreSegment(Dictionary<int, double> segment, string segmentText,
        List<PasteLine> lines, int start, int end, Scores scores)
    {
        var matched = scores.Matched;
        var touched = scores.TouchedPhrases;
        var best = scores.Best;
        var bestPhrase = scores.Phrase;
        var segmentWeight = 0.0;
        string? normalizedText = null;
        List<int>? order = null;
        foreach (var (id, q) in segment)
        {
            var w = _weight[id] * q;
            if (w <= 0)
            {
                continue;
            }
            segmentWeight += w;
            foreach (var p in _postings[id])
            {
                if (matched[p] == 0)
                {
                    touched.Add(p);
                }
                matched[p] += w;
            }
        }
        if (segmentWeight <= 0)
        {
            return;
        }
        foreach (var p in touched)
        {
            var phrase = _phrases[p];
            var m = matched[p];
            matched[p] = 0;
            var coverage = m / phrase.Total;
            var precision = m / segmentWeight;
            var score = (0.7 * coverage + 0.3 * precision) * Math.Min(1.0, m / Saturation);
            if (phrase.Kind == PhraseKind.Cause)
            {
                score *= 0.9;
            }
            var symptom = phrase.Symptom;
            // A long documented message word for word, typos forgiven (a misspelt word counts 0.7 to 0.85, so all of
            // them give at least that coverage); the symptom is touched below: this phrase scores above 0.
            if (phrase.Quotable && coverage >= 0.7 && (!scores.Quoted[symptom] || (coverage >= FullQuoteCoverage && phrase.Words > scores.FullQuote[symptom])))
            {
                order ??= end - start == 1 ? lines[start].Order : lines.GetRange(start, end - start).SelectMany(l => l.Order).ToList();
                if (InOrder(phrase.Tokens, order))
                {
                    scores.Quoted[symptom] = true;
                    if (coverage >= FullQuoteCoverage)
                    {
                        scores.FullQuote[symptom] = Math.Max(scores.FullQuote[symptom], phrase.Words);
                    }
                }
            }
            var tie = score == best[symptom] && bestPhrase[symptom] >= 0
                && IsCloserWording(phrase, _phrases[bestPhrase[symptom]], segmentText, normalizedText ??= Normalize(segmentText));
            if (score > best[symptom] || tie)
            {
                if (bestPhrase[symptom] < 0)
                {
                    scores.Touched.Add(symptom);
                }
                best[symptom] = score;
                bestPhrase[symptom] = p;
                scores.Segment[symptom] = segment;
                scores.Text[symptom] = segmentText;
                // Only a long quoted message (five words, or a long Chinese one) outweighs another product's name; the product's
                // own name makes no phrase long ("keine Lizenz für Skype for Business Online" is two words of evidence).
                scores.LongCoverage[symptom] = phrase.Words >= (phrase.IsCjk ? 14 : 5) ? coverage : 0;
                // A request passes on a whole documented phrase; in Chinese a phrase of a few character pairs
                // ("找不到服务器") is too short to tell a quoted error from words of the request itself.
                scores.Coverage[symptom] = phrase.IsCjk && phrase.Tokens.Length < 6 ? 0 : coverage;
            }
        }
        touched.Clear();
    }

    /// <summary>
    /// Whether <paramref name="order"/> has the words of <paramref name="phrase"/> that weigh something in the phrase's
    /// order, close together (the product's name may stand anywhere): "her sign-in address was not found" quotes
    /// "Sign-in address was not found.", "couldn't find a server ... Sign-in address: bob@..." does not.
    /// </summary>
    private bool InOrder(int[] phrase, List<int> order)
    {
        var words = 0;
        foreach (var t in phrase)
        {
            words += _weight[t] > 0 ? 1 : 0;
        }
        for (var start = 0; start < order.Count; start++)
        {
            var i = start;
            var matched = 0;
            foreach (var t in phrase)
            {
                if (_weight[t] <= 0)
                {
                    continue;
                }
                while (i < order.Count && order[i] != t && i - start < 3 * words)
                {
                    i++;
                }
                if (i >= order.Count || order[i] != t)
                {
                    break;
                }
                matched++;
                i++;
            }
            if (matched == words)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Whether the paste has <paramref name="phrase"/>'s words side by side as written (case and punctuation aside): "File server \\fs02 is
    /// not responding or cannot be reached" has the documented words, not the documented sentence ("The server is not responding ...").
    /// </summary>
    private bool QuotesWordForWord(int phrase, string normalizedPaste) =>
        phrase >= 0 && normalizedPaste.Contains(_phrases[phrase].Normalized, StringComparison.Ordinal);

    /// <summary>
    /// Of two phrases with the same score, whether <paramref name="candidate"/> is closer to the wording the user saw:
    /// one the paste contains word for word, else a documented message rather than a curated alias (an alias in another
    /// language can fold to the same words), else the one closest in length to the paste. Runs on ties only.
    /// </summary>
    private static bool IsCloserWording(Phrase candidate, Phrase current, string paste, string normalizedPaste)
    {
        bool Quoted(Phrase phrase) => normalizedPaste.Contains(phrase.Normalized, StringComparison.Ordinal);
        bool Documented(Phrase phrase) => phrase.Kind == PhraseKind.Message;
        if (Quoted(candidate) != Quoted(current))
        {
            return Quoted(candidate);
        }

        return Documented(candidate) != Documented(current)
            ? Documented(candidate)
            : Math.Abs(candidate.Text.Length - paste.Length) < Math.Abs(current.Text.Length - paste.Length);
    }

    /// <param name="segmentText">The text the symptom's best phrase was found in; null for a row raised by concept evidence or another
    /// row's quote alone (no text of its own to compare).</param>
    private double FuzzyScore(int symptom, string? segmentText)
    {
        if (segmentText is null || _fuzzyPhrases[symptom].Length == 0 || Tokenizer.ContainsCjk(segmentText))
        {
            return 0;
        }
        var normalized = Normalize(segmentText);
        var bestRatio = 0;
        foreach (var phrase in _fuzzyPhrases[symptom])
        {
            var ratio = phrase.Length <= normalized.Length
                ? Fuzz.PartialRatio(phrase, normalized, PreprocessMode.None)
                : Fuzz.Ratio(phrase, normalized, PreprocessMode.None);
            bestRatio = Math.Max(bestRatio, ratio);
        }
        return bestRatio >= 88 ? bestRatio / 100.0 * 0.9 : 0;
    }

    /// <summary>
    /// Whether a paste the language guess calls Chinese speaks of signing in (登录, 登入, ...): Chinese descriptions often leave the product unnamed
    /// ("登录地址里的 hengtai 打成了 hengtia"), and the sign-in is then what they are about. English and German ones that leave it
    /// unnamed are as often about another system's sign-in (measured: letting their sign-in words stand in traded even).
    /// </summary>
    private bool IsAlias(int phrase) => phrase >= 0 && _phrases[phrase].Kind == PhraseKind.Alias;

    private bool ChineseSignIn(string text, string language) =>
        language.StartsWith("zh", StringComparison.Ordinal) && _chineseSignIn.Any(w => text.Contains(w, StringComparison.Ordinal));

    private MatchDecision Decide(List<MatchCandidate> candidates, bool namesProduct, bool problem)
    {
        // Nothing in the paste says that something goes wrong: only a clear match counts. A paste that
        // names the product and says something goes wrong is a problem with it: weak evidence is then
        // worth a question ("which of these do you see?") rather than "nothing documented fits". The
        // name alone is not enough: people ask about the product for many reasons.
        var floor = !problem ? _options.MatchFloor : namesProduct ? _options.ProductAmbiguousFloor : _options.AmbiguousFloor;
        if (candidates.Count == 0 || candidates[0].Score < floor * 100)
        {
            return MatchDecision.None;
        }
        var top = candidates[0].Score;
        var close = candidates.Count > 1 && candidates[1].Score >= top - _options.AmbiguityMargin * 100 && candidates[1].Score >= _options.AmbiguousFloor * 100;
        if (top >= _options.MatchFloor * 100 && !close)
        {
            return MatchDecision.Match;
        }
        return MatchDecision.Ambiguous;
    }

    private MatchCandidate Candidate(int s, double score, int phraseIndex, Dictionary<int, double>? segment)
    {
        var symptom = _catalog.Symptoms[s];
        var phrase = phraseIndex >= 0 ? _phrases[phraseIndex] : null;
        var message = phrase is { Cause: >= 0 } ? symptom.Causes[phrase.Cause].Message.English.Plain : symptom.Title;
        var terms = new List<string>();
        if (segment is not null && phrase is not null)
        {
            terms.AddRange(phrase.Tokens.Where(segment.ContainsKey).Select(t => _words[t]));
        }
        return new MatchCandidate(
            symptom,
            (int)Math.Round(Math.Clamp(score, 0, 1) * 100),
            message,
            symptom.Causes.Select(c => c.Text.English.Plain).Distinct(StringComparer.Ordinal).ToArray(),
            phrase is null ? [] : [phrase.Text],
            terms,
            phrase?.Locale);
    }

    /// <summary>
    /// <see cref="Lookup"/> remembered across pastes: people use the same words again and again ("restarted", "laptop"),
    /// and a word outside the vocabulary otherwise costs its whole typo search (every deletion of one or two letters)
    /// on every paste. Bounded: when <see cref="LookupCacheSize"/> words are kept it starts again empty, so words of
    /// one-off log lines (ids, hashes) cannot fill it for good.
    /// </summary>
    private (int Id, double Quality, string[]? Problem) CachedLookup(string token)
    {
        if (_lookupCache.TryGetValue(token, out var found))
        {
            return found;
        }
        found = Lookup(token);
        if (Interlocked.Increment(ref _lookupCacheCount) > LookupCacheSize)
        {
            _lookupCache.Clear();
            Interlocked.Exchange(ref _lookupCacheCount, 0);
        }
        _lookupCache[token] = found;
        return found;
    }

    private const int LookupCacheSize = 20_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (int Id, double Quality, string[]? Problem)> _lookupCache = new(StringComparer.Ordinal);
    private int _lookupCacheCount;

    /// <summary>
    /// The vocabulary word a paste's word is (a misspelt one within an edit or two, or a misspelt
    /// one-word synonym variant), and what it means when it is a misspelt problem word.
    /// </summary>
    private (int Id, double Quality, string[]? Problem) Lookup(string token)
    {
        if (_vocabulary.TryGetValue(token, out var id))
        {
            return (id, 1.0, null);
        }
        if (token.Length < 4 || !char.IsAsciiLetter(token[0]))
        {
            return (-1, 0, null);
        }
        var maxDistance = token.Length >= 8 ? 2 : 1;
        var deletions = Deletions(token, maxDistance);
        var word = _wordTypos.Nearest(token, deletions, maxDistance, w => _weight[w]);
        var variant = _variantTypos.Nearest(token, deletions, maxDistance);
        var problem = _problemTypos.Nearest(token, deletions, maxDistance);
        var (found, bestId, bestDistance) = word.Found ? word : variant;
        // A variant met exactly ("prompting" read as "prompt") is no misspelling.
        return !found ? (-1, 0, problem.Value) : (bestId, bestDistance switch { 0 => 1.0, 1 => 0.85, _ => 0.7 }, problem.Value);
    }

    /// <summary>
    /// Words found within an edit or two of a paste's word (symmetric deletion: a word is filed under every
    /// form it takes with one character deleted, two from seven letters), each with what it stands for.
    /// </summary>
    private sealed class DeletionIndex<T>
    {
        private readonly Dictionary<string, T> _forms = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<string>> _byDeletion = new(StringComparer.Ordinal);

        /// <summary>Files <paramref name="form"/>; a form filed before keeps its first meaning.</summary>
        public void Add(string form, T value)
        {
            if (!_forms.TryAdd(form, value))
            {
                return;
            }
            foreach (var d in Deletions(form, form.Length >= 7 ? 2 : 1))
            {
                if (!_byDeletion.TryGetValue(d, out var list))
                {
                    _byDeletion[d] = list = [];
                }
                list.Add(form);
            }
        }

        /// <summary>
        /// The filed form closest to <paramref name="token"/> (whose <paramref name="deletions"/> are given), at most
        /// <paramref name="maxDistance"/> edits away; of equally close ones the first met, or the one <paramref name="preference"/> ranks highest.
        /// </summary>
        public (bool Found, T? Value, int Distance) Nearest(string token, HashSet<string> deletions, int maxDistance, Func<T, double>? preference = null)
        {
            (bool Found, T? Value, int Distance) best = (false, default, int.MaxValue);
            foreach (var deletion in deletions)
            {
                if (!_byDeletion.TryGetValue(deletion, out var forms))
                {
                    continue;
                }
                foreach (var form in forms)
                {
                    var d = Tokenizer.Distance(token, form, maxDistance);
                    var value = _forms[form];
                    if (d <= maxDistance && (d < best.Distance || (d == best.Distance && preference is not null && preference(value) > preference(best.Value!))))
                    {
                        best = (true, value, d);
                    }
                }
            }
            return best;
        }
    }

    private static HashSet<string> Deletions(string word, int depth)
    {
        var result = new HashSet<string>(StringComparer.Ordinal) { word };
        var frontier = new List<string> { word };
        for (var level = 0; level < depth; level++)
        {
            var next = new List<string>();
            foreach (var w in frontier)
            {
                if (w.Length <= 3)
                {
                    continue;
                }
                for (var i = 0; i < w.Length; i++)
                {
                    var d = w.Remove(i, 1);
                    if (result.Add(d))
                    {
                        next.Add(d);
                    }
                }
            }
            frontier = next;
        }
        return result;
    }

    private IEnumerable<string> Lines(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            for (var i = 0; i < line.Length; i += _options.MaxLineChars)
            {
                yield return line.Substring(i, Math.Min(_options.MaxLineChars, line.Length - i));
            }
        }
    }

    private static string Normalize(string text) => Tokenizer.Normalize(text, foldGerman: false).Trim();
}
