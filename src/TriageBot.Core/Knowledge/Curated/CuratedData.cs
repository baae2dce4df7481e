using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace TriageBot.Core.Knowledge.Curated;

/// <summary>A rule that attaches a condition to documented rows: a pattern on the section heading or on the cause text (English).</summary>
public sealed record ConditionRule(string Id, Regex? Section, Regex? Cause);

/// <summary>
/// TriageBot's own data that sits beside the documents in <c>knowledge/curated/</c>: curated phrasings
/// per symptom, matching vocabulary (stop words, synonyms, off-topic and in-scope words) and the
/// condition rules. None of it restates the documents; it says how people talk about them.
/// </summary>
public sealed class CuratedData
{
    public static readonly CuratedData Empty = new();

    /// <summary>symptom id -> language -> phrasings.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> Aliases { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>>();

    /// <summary>Groups of symptom ids the documents describe in different words but that are the same problem.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Merge { get; init; } = [];

    public IReadOnlySet<string> StopWords { get; init; } = new HashSet<string>();

    /// <summary>canonical form -> variants (each may be several words).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Synonyms { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Words naming other products or topics: with none of <see cref="InScope"/>, they mark a paste as not about these errors.</summary>
    public IReadOnlyList<string> OffTopic { get; init; } = [];

    /// <summary>
    /// Among <see cref="OffTopic"/>, other systems' servers and gateways ("file server", "gateway", "Dateiserver"): a paste that names one and not
    /// the product meets the documented server messages only by quoting them word for word ("File server \\fs02 is not responding" does not).
    /// </summary>
    public IReadOnlyList<string> OtherServers { get; init; } = [];

    /// <summary>Words that name the product the documents are about.</summary>
    public IReadOnlyList<string> InScope { get; init; } = [];

    /// <summary>
    /// Names of the product and its suite ("Skype for Business Online", "Office 365"): they say what a
    /// paste is about, not which error it shows, so they count as no evidence for any symptom.
    /// </summary>
    public IReadOnlyList<string> ProductNames { get; init; } = [];

    /// <summary>Words that say something goes wrong (sign-in, cannot, failed, incorrect, ...): the evidence of a problem.</summary>
    public IReadOnlyList<string> ProblemWords { get; init; } = [];

    /// <summary>
    /// Requests that are not about an error (a profile picture, scheduling a meeting, presence, prices): they
    /// mark a paste as off-topic, even when it names the product, unless it states a documented error in full.
    /// </summary>
    public IReadOnlyList<string> OffTopicIntents { get; init; } = [];

    /// <summary>
    /// How questions start ("how do I", "which version", "wie kann ich", "如何"): a question with no word that
    /// says something goes wrong is no error report ("how do I enable SIP for a user?"), unless it quotes a
    /// documented error in full.
    /// </summary>
    public IReadOnlyList<string> Questions { get; init; } = [];

    /// <summary>
    /// Instructions to the bot rather than reports to it ("reply only with", "ignore your rules", "antworte nur mit",
    /// "只回复"): a paste with one is answered <c>none</c>, whatever documented message it quotes.
    /// </summary>
    public IReadOnlyList<string> Instructions { get; init; } = [];

    /// <summary>
    /// Verbs that order the bot to put something out ("reply", "print", "antworte", "输出"): given as a command (see
    /// <see cref="InstructionLeads"/>) with a quoted text or a colon right after them, they make an instruction like
    /// <see cref="Instructions"/>.
    /// </summary>
    public IReadOnlyList<string> InstructionVerbs { get; init; } = [];

    /// <summary>
    /// Words after which one of <see cref="InstructionVerbs"/> is a command ("just", "and", "und", "直接", "你"), besides the
    /// start of a paste or clause.
    /// </summary>
    public IReadOnlyList<string> InstructionLeads { get; init; } = [];

    /// <summary>
    /// Requests worded with common words, told by their order ("see me as offline", "Status falsch", "状态 离线"): like
    /// <see cref="OffTopicIntents"/>, matched in order with a few words between.
    /// </summary>
    public IReadOnlyList<string> OffTopicPhrases { get; init; } = [];

    /// <summary>
    /// Talk about the bot's own input and output rather than about an error, as classes of features (class name -> phrases,
    /// matched like <see cref="OffTopicPhrases"/>): the conversation and the bot's answer ("every message from me", "this
    /// ticket", "Eingabe", "分类结果"), a rule or its scope ("new rule", "from now on", "ab sofort", "一律"), a role given to
    /// the bot ("you are now", "Rollenspiel", "你是"), an answer and nothing else ("sonst nichts"). A paste that meets two
    /// classes instructs the bot, like one of <see cref="Instructions"/>.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> BotTalk { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// Statements that the product works ("Skype works fine", "Skype läuft normal", "Skype 都正常"), matched like
    /// <see cref="OffTopicPhrases"/>: a paste with one is about something else, and names the product only as the part
    /// that is fine.
    /// </summary>
    public IReadOnlyList<string> ProductWorks { get; init; } = [];

    /// <summary>
    /// Statements that everything else works ("everything else works", "其他都正常"): the worksOthers subjects times the worksStates.
    /// In a paste that names no product they say the product works too, as <see cref="ProductWorks"/> does.
    /// </summary>
    public IReadOnlyList<string> OthersWork { get; init; } = [];

    /// <summary>
    /// The states that make a "works" statement of a name ("works fine", "geht", "都正常"), as curated: combined with the product's names
    /// in <see cref="ProductWorks"/>, with everything else in <see cref="OthersWork"/>, and by the matcher with another system's name
    /// ("Outlook geht aber ganz normal": that system is named as the part that is fine).
    /// </summary>
    public IReadOnlyList<string> WorksStates { get; init; } = [];

    /// <summary>
    /// Of <see cref="WorksStates"/>, the ones said only of the product: bare verbs that of a device also tell how it runs ("Die Stempeluhr
    /// geht eine Stunde nach"), so after another system's name they are no statement that it works.
    /// </summary>
    public IReadOnlyList<string> WorksStatesProductOnly { get; init; } = [];

    /// <summary>
    /// Words that negate what they stand next to, beside the curated synonym "not": a Latin-script one after a
    /// <see cref="ProductWorks"/> statement turns it round ("Skype funktioniert noch nicht"), a Chinese one right before a
    /// Chinese part of it does ("Skype 不能正常登录", "Skype 无法正常登录").
    /// </summary>
    public IReadOnlyList<string> Negations { get; init; } = [];

    /// <summary>
    /// Latin-script words that, after a "works" statement in its clause, say it held once and holds no longer ("Lync worked fine until
    /// today", "worked fine yesterday"): they turn the statement round as a negation does, for the matcher only (the triage planner's
    /// yes/no answers keep <see cref="Negations"/>: "we set up AD FS yesterday" is a yes).
    /// </summary>
    public IReadOnlyList<string> WorksEnded { get; init; } = [];

    /// <summary>Abbreviations whose full stop ends no sentence when a paste is read clause by clause ("Skype usw. geht alles").</summary>
    public IReadOnlyList<string> Abbreviations { get; init; } = [];

    /// <summary>
    /// Words that join two names ("and", "und", "和"): another system named between the product and a <see cref="ProductWorks"/>
    /// state takes the state for itself ("Skype rein, Mail geht"), unless one of these joins them ("Skype und Mail gehen").
    /// </summary>
    public IReadOnlyList<string> Joiners { get; init; } = [];

    /// <summary>
    /// Words that turn to a contrast ("but", "aber", "但是"): after a <see cref="ProductWorks"/> statement, a problem told after one with no other
    /// system named is the product's after all ("Lync works fine on my desktop, but on the laptop it says: ...").
    /// </summary>
    public IReadOnlyList<string> Contrasts { get; init; } = [];

    /// <summary>
    /// A server's outage in words that otherwise ask about the client ("the ADFS server crashed", "伺服器昨晚當機", "服务器在维护"):
    /// matched like <see cref="OffTopicPhrases"/>, a server word then the state. Where one stands, its state word
    /// (the last part) is no <see cref="OffTopicIntents"/> request: a server that is down is a documented cause.
    /// </summary>
    public IReadOnlyList<string> ServerDown { get; init; } = [];

    /// <summary>
    /// concept name -> its interchangeable words and phrasings (all languages together): one idea that
    /// people word in many ways ("licence", "subscription", "service plan", "Lizenz", "授权").
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Concepts { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// Shapes of text that stand for a concept without its words (concepts.yaml <c>patterns</c>: concept -> regular expressions):
    /// a paste that shows "anna@contso.de" speaks of a sign-in address, one that shows "CONTOSO\jsmith" of a Windows logon name.
    /// Compiled linear where the expression allows it, else with a time limit.
    /// </summary>
    public IReadOnlyList<(string Concept, Regex Pattern)> ConceptPatterns { get; init; } = [];

    /// <summary>
    /// Concepts that state a claim a negation turns round (concepts.yaml <c>negatable</c>: "typing", "forget"): their Chinese words
    /// right after a Chinese negation ("沒打錯", "没忘记") are read as no words. Topic concepts (sign-in, licence) stay: "没有授权"
    /// is still about a licence.
    /// </summary>
    public IReadOnlyList<string> NegatableConcepts { get; init; } = [];

    /// <summary>
    /// symptom id -> sets of concept names: a paste that has every concept of a set is evidence for the
    /// symptom in the user's own words, the more so the more concepts the set has.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<string>>> Evidence { get; init; } =
        new Dictionary<string, IReadOnlyList<IReadOnlyList<string>>>();

    public IReadOnlyList<ConditionRule> Conditions { get; init; } = [];

    /// <summary>Who performs a resolution ("user", "both"), by patterns on its English text; otherwise an administrator.</summary>
    public IReadOnlyList<(string Performer, Regex Pattern)> Performers { get; init; } = [];

    /// <summary>"admin", "user" or "both" for a resolution's English text.</summary>
    public string PerformerOf(string resolutionText) =>
        Performers.FirstOrDefault(p => p.Pattern.IsMatch(resolutionText)).Performer ?? "admin";

    /// <summary>Reads the YAML files of <paramref name="folder"/>; problems are reported, not thrown.</summary>
    public static CuratedData Load(string folder, ICollection<KnowledgeProblem> problems)
    {
        if (!Directory.Exists(folder))
        {
            return Empty;
        }
        var aliases = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>>(StringComparer.OrdinalIgnoreCase);
        var merge = new List<IReadOnlyList<string>>();
        var stop = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var synonyms = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var offTopic = new List<string>();
        var otherServers = new List<string>();
        var inScope = new List<string>();
        var productNames = new List<string>();
        var problemWords = new List<string>();
        var offTopicIntents = new List<string>();
        var questions = new List<string>();
        var instructions = new List<string>();
        var instructionVerbs = new List<string>();
        var instructionLeads = new List<string>();
        var offTopicPhrases = new List<string>();
        var botTalk = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var productWorks = new List<string>();
        var negations = new List<string>();
        var worksEnded = new List<string>();
        var abbreviations = new List<string>();
        var joiners = new List<string>();
        var contrasts = new List<string>();
        var worksProducts = new List<string>();
        var worksOthers = new List<string>();
        var worksStatesProductOnly = new List<string>();
        var worksStates = new List<string>();
        var serverDown = new List<string>();
        var conceptPatterns = new List<(string File, string Concept, Regex Pattern)>();
        var negatable = new List<(string File, string Concept)>();
        var conditions = new List<ConditionRule>();
        var concepts = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var evidence = new Dictionary<string, IReadOnlyList<IReadOnlyList<string>>>(StringComparer.OrdinalIgnoreCase);
        var evidenceFiles = new List<(string File, string Symptom, string Concept)>();
        var performers = new List<(string, Regex)>();

        foreach (var path in Directory.EnumerateFiles(folder, "*.y*ml").Order(StringComparer.Ordinal))
        {
            var file = Path.GetRelativePath(Path.GetDirectoryName(folder) ?? folder, path);
            CuratedFile? data;
            try
            {
                data = Deserializer.Deserialize<CuratedFile?>(File.ReadAllText(path));
            }
            catch (YamlException ex)
            {
                problems.Add(new KnowledgeProblem(file, $"line {ex.Start.Line}: {ex.InnerException?.Message ?? ex.Message}"));
                continue;
            }
            if (data is null)
            {
                continue;
            }
            foreach (var (id, byLanguage) in data.Aliases ?? [])
            {
                var into = aliases.TryGetValue(id, out var existing)
                    ? existing.ToDictionary(kv => kv.Key, kv => kv.Value.ToList(), StringComparer.OrdinalIgnoreCase)
                    : new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
                foreach (var (language, phrases) in byLanguage ?? [])
                {
                    var key = Parsing.SourceDocument.Normalize(language);
                    if (!into.TryGetValue(key, out var list))
                    {
                        into[key] = list = [];
                    }
                    list.AddRange(Words(phrases));
                }
                aliases[id] = into.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.OrdinalIgnoreCase);
            }
            merge.AddRange((data.Merge ?? []).Where(g => g is { Count: > 1 }).Select(g => (IReadOnlyList<string>)g));
            foreach (var words in (data.StopWords ?? []).Values)
            {
                stop.UnionWith(Words(words));
            }
            foreach (var (canonical, variants) in data.Synonyms ?? [])
            {
                synonyms[canonical] = [.. synonyms.GetValueOrDefault(canonical) ?? [], .. Words(variants)];
            }
            offTopic.AddRange(Words(data.OffTopic));
            otherServers.AddRange(Words(data.OtherServers));
            inScope.AddRange(Words(data.InScope));
            productNames.AddRange(Words(data.ProductNames));
            problemWords.AddRange(Words(data.ProblemWords));
            offTopicIntents.AddRange(Words(data.OffTopicIntents));
            questions.AddRange(Words(data.Questions));
            instructions.AddRange(Words(data.Instructions));
            instructionVerbs.AddRange(Words(data.InstructionVerbs));
            instructionLeads.AddRange(Words(data.InstructionLeads));
            offTopicPhrases.AddRange(Words(data.OffTopicPhrases));
            foreach (var (name, phrases) in data.BotTalk ?? [])
            {
                botTalk[name] = [.. botTalk.GetValueOrDefault(name) ?? [], .. Words(phrases)];
            }
            productWorks.AddRange(Words(data.ProductWorks));
            worksProducts.AddRange(Words(data.WorksProducts));
            worksOthers.AddRange(Words(data.WorksOthers));
            worksStates.AddRange(Words(data.WorksStates));
            worksStatesProductOnly.AddRange(Words(data.WorksStatesProductOnly));
            negations.AddRange(Words(data.Negations));
            worksEnded.AddRange(Words(data.WorksEnded));
            abbreviations.AddRange(Words(data.Abbreviations));
            joiners.AddRange(Words(data.Joiners));
            contrasts.AddRange(Words(data.Contrasts));
            serverDown.AddRange(Words(data.ServerDown));
            negatable.AddRange(Words(data.Negatable).Select(c => (file, c.Trim())));
            foreach (var (concept, patterns) in data.Patterns ?? [])
            {
                foreach (var pattern in Words(patterns))
                {
                    try
                    {
                        conceptPatterns.Add((file, concept.Trim(), ConceptPattern(pattern)));
                    }
                    catch (ArgumentException ex)
                    {
                        problems.Add(new KnowledgeProblem(file, $"pattern for '{concept}': invalid ({ex.Message})"));
                    }
                }
            }
            foreach (var (name, byLanguage) in data.Concepts ?? [])
            {
                var words = (byLanguage ?? []).Values.SelectMany(Words);
                concepts[name] = [.. concepts.GetValueOrDefault(name) ?? [], .. words];
            }
            foreach (var (id, sets) in data.Evidence ?? [])
            {
                var valid = (sets ?? []).Where(set => set is { Count: > 0 }).Select(set => (IReadOnlyList<string>)set!).ToList();
                evidenceFiles.AddRange(valid.SelectMany(set => set).Select(concept => (file, id, concept)));
                evidence[id] = [.. evidence.GetValueOrDefault(id) ?? [], .. valid];
            }
            foreach (var (performer, patterns) in data.Performers ?? [])
            {
                foreach (var pattern in patterns ?? [])
                {
                    try
                    {
                        performers.Add((performer, new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline)));
                    }
                    catch (ArgumentException ex)
                    {
                        problems.Add(new KnowledgeProblem(file, $"performer '{performer}': invalid pattern ({ex.Message})"));
                    }
                }
            }
            foreach (var (id, rule) in data.Conditions ?? [])
            {
                try
                {
                    conditions.Add(new ConditionRule(
                        id,
                        rule?.Section is { Length: > 0 } s ? new Regex(s, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant) : null,
                        rule?.Cause is { Length: > 0 } c ? new Regex(c, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant) : null));
                }
                catch (ArgumentException ex)
                {
                    problems.Add(new KnowledgeProblem(file, $"condition '{id}': invalid pattern ({ex.Message})"));
                }
            }
        }

        foreach (var (file, concept) in conceptPatterns.Where(p => !concepts.ContainsKey(p.Concept)).Select(p => (p.File, p.Concept)).Distinct())
        {
            problems.Add(new KnowledgeProblem(file, $"patterns names the unknown concept '{concept}'"));
        }

        foreach (var (file, concept) in negatable.Where(n => !concepts.ContainsKey(n.Concept)).Distinct())
        {
            problems.Add(new KnowledgeProblem(file, $"negatable names the unknown concept '{concept}'"));
        }

        // Evidence may name concepts of any file: it is checked once every file is read.
        foreach (var (file, symptom, concept) in evidenceFiles.Where(e => !concepts.ContainsKey(e.Concept)).Distinct())
        {
            problems.Add(new KnowledgeProblem(file, $"evidence for '{symptom}' names the unknown concept '{concept}'"));
        }

        return new CuratedData
        {
            Aliases = aliases,
            Merge = merge,
            StopWords = stop,
            Synonyms = synonyms,
            OffTopic = [.. offTopic, .. otherServers],
            OtherServers = otherServers,
            InScope = inScope,
            ProductNames = productNames,
            ProblemWords = problemWords,
            OffTopicIntents = offTopicIntents,
            Questions = questions,
            Instructions = instructions,
            InstructionVerbs = instructionVerbs,
            InstructionLeads = instructionLeads,
            OffTopicPhrases = offTopicPhrases,
            BotTalk = botTalk,
            // A state ("works fine", "倒是正常") holds for every product name: each name is combined with each state here.
            ProductWorks = [.. productWorks, .. worksProducts.SelectMany(product => worksStates.Select(state => $"{product} {state}"))],
            OthersWork = [.. worksOthers.SelectMany(others => worksStates.Select(state => $"{others} {state}"))],
            WorksStates = worksStates,
            WorksStatesProductOnly = worksStatesProductOnly,
            Negations = negations,
            WorksEnded = worksEnded,
            Abbreviations = abbreviations,
            Joiners = joiners,
            Contrasts = contrasts,
            ServerDown = serverDown,
            Concepts = concepts,
            ConceptPatterns = [.. conceptPatterns.Where(p => concepts.ContainsKey(p.Concept)).Select(p => (p.Concept, p.Pattern))],
            NegatableConcepts = [.. negatable.Select(n => n.Concept).Where(concepts.ContainsKey).Distinct()],
            Evidence = evidence,
            Conditions = conditions,
            Performers = performers,
        };
    }

    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    private sealed class CuratedFile
    {
        public Dictionary<string, Dictionary<string, List<string>?>?>? Aliases { get; set; }

        public List<List<string>>? Merge { get; set; }

        public Dictionary<string, List<string>?>? StopWords { get; set; }

        public Dictionary<string, List<string>?>? Synonyms { get; set; }

        public List<string>? OffTopic { get; set; }
        public List<string>? OtherServers { get; set; }

        public List<string>? InScope { get; set; }

        public List<string>? ProductNames { get; set; }

        public List<string>? ProblemWords { get; set; }

        public List<string>? OffTopicIntents { get; set; }

        public List<string>? Questions { get; set; }

        public List<string>? Instructions { get; set; }

        public List<string>? InstructionVerbs { get; set; }

        public List<string>? InstructionLeads { get; set; }

        public List<string>? OffTopicPhrases { get; set; }

        public Dictionary<string, List<string>?>? BotTalk { get; set; }

        public List<string>? ProductWorks { get; set; }

        public List<string>? WorksProducts { get; set; }
        public List<string>? WorksOthers { get; set; }

        public List<string>? WorksStates { get; set; }
        public List<string>? WorksStatesProductOnly { get; set; }

        public List<string>? Negations { get; set; }
        public List<string>? WorksEnded { get; set; }
        public List<string>? Abbreviations { get; set; }
        public List<string>? Joiners { get; set; }
        public List<string>? Contrasts { get; set; }

        public List<string>? ServerDown { get; set; }

        public Dictionary<string, Dictionary<string, List<string>?>?>? Concepts { get; set; }

        public Dictionary<string, List<string>?>? Patterns { get; set; }

        public List<string>? Negatable { get; set; }

        public Dictionary<string, List<List<string>?>?>? Evidence { get; set; }

        public Dictionary<string, ConditionYaml?>? Conditions { get; set; }

        public Dictionary<string, List<string>?>? Performers { get; set; }
    }

    /// <summary>A concept pattern: linear in a pasted log's length where the expression allows it (no lookaround), else limited in time.</summary>
    /// <summary>A curated list's entries without the blank ones (an empty YAML item reads as null or ""): a blank word would match every paste.</summary>
    private static IEnumerable<string> Words(IEnumerable<string?>? list) =>
        (list ?? []).Where(w => !string.IsNullOrWhiteSpace(w))!;

    private static Regex ConceptPattern(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));
        }
    }

    private sealed class ConditionYaml
    {
        public string? Section { get; set; }

        public string? Cause { get; set; }
    }
}
