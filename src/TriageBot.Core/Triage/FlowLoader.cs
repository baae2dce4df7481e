using TriageBot.Core.Knowledge;
using TriageBot.Core.Knowledge.Parsing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TriageBot.Core.Triage;

/// <summary>
/// Reads <c>dialogs/questions.yaml</c> and <c>dialogs/flows.yaml</c> and checks them against the
/// catalog: unknown question or symptom ids, unknown conditions, a fallback that is not a procedure
/// of the documents, and a flow with an answer path that leaves no resolution stop start-up with
/// the file and line.
/// </summary>
public static class FlowLoader
{
    public static FlowSet Load(string dialogsFolder, Catalog catalog)
    {
        var questionsPath = Path.Combine(dialogsFolder, "questions.yaml");
        var flowsPath = Path.Combine(dialogsFolder, "flows.yaml");
        var questionsRoot = Read(questionsPath);
        var flowsRoot = Read(flowsPath);
        var questionsFile = Path.GetFileName(questionsPath);
        var flowsFile = Path.GetFileName(flowsPath);

        var conditions = catalog.Curated.Conditions.Select(c => c.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var yesNo = questionsRoot.Children.TryGetValue(new YamlScalarNode("yesno"), out var yn)
            ? Answers(Map(yn, questionsFile, "yesno"), questionsFile)
            : null;

        var questions = new Dictionary<string, Question>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, node) in Map(Child(questionsRoot, "questions", questionsFile), questionsFile, "questions").Children)
        {
            var id = Scalar(key, questionsFile);
            var q = Map(node, questionsFile, id);
            var decides = OptionalScalar(q, "decides", questionsFile);
            var orders = OptionalScalar(q, "orders", questionsFile);
            if (decides is null && orders is null)
            {
                throw Error(questionsFile, node, $"question '{id}' needs 'decides: <condition>' or 'orders: category'");
            }
            if (decides is not null && !conditions.Contains(decides))
            {
                throw Error(questionsFile, q.Children[new YamlScalarNode("decides")], $"question '{id}' decides unknown condition '{decides}' (known: {string.Join(", ", conditions)})");
            }
            if (orders is not null && orders != "category")
            {
                throw Error(questionsFile, q.Children[new YamlScalarNode("orders")], $"question '{id}': only 'orders: category' is supported");
            }
            var ask = Localized(Child(q, "ask", questionsFile), questionsFile);
            var answersNode = Child(q, "answers", questionsFile);
            IReadOnlyList<QuestionAnswer> answers = answersNode is YamlScalarNode { Value: "yesno" }
                ? yesNo ?? throw Error(questionsFile, answersNode, "'answers: yesno' needs a top-level 'yesno:' section")
                : Answers(Map(answersNode, questionsFile, id), questionsFile);
            if (decides is not null && (answers.All(a => a.Value != "yes") || answers.All(a => a.Value != "no")))
            {
                throw Error(questionsFile, answersNode, $"question '{id}' decides a condition, so its answers must be 'yes' and 'no'");
            }
            var detect = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
            if (q.Children.TryGetValue(new YamlScalarNode("detect"), out var detectNode))
            {
                foreach (var (value, phrases) in Map(detectNode, questionsFile, "detect").Children)
                {
                    var v = Scalar(value, questionsFile);
                    if (answers.All(a => a.Value != v))
                    {
                        throw Error(questionsFile, value, $"question '{id}' detects unknown answer '{v}'");
                    }
                    detect[v] = List(phrases, questionsFile);
                }
            }
            questions[id] = new Question(id, decides, orders is not null, ask, answers, detect);
        }

        var fallback = OptionalScalar(flowsRoot, "fallback", flowsFile) ?? throw Error(flowsFile, flowsRoot, "missing 'fallback: <procedure anchor>'");
        if (!catalog.Procedures.ContainsKey(fallback))
        {
            throw Error(flowsFile, flowsRoot.Children[new YamlScalarNode("fallback")], $"fallback '{fallback}' is not a procedure anchor in knowledge/");
        }
        var flows = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, node) in Map(Child(flowsRoot, "flows", flowsFile), flowsFile, "flows").Children)
        {
            var symptomId = Scalar(key, flowsFile);
            var symptom = catalog.Find(symptomId) ?? throw Error(flowsFile, key, $"unknown symptom '{symptomId}' (known: {string.Join(", ", catalog.Symptoms.Select(s => s.Id))})");
            var ids = new List<string>();
            foreach (var item in Sequence(node, flowsFile))
            {
                var qid = Scalar(item, flowsFile);
                if (!questions.TryGetValue(qid, out var question))
                {
                    throw Error(flowsFile, item, $"unknown question '{qid}' in the flow of '{symptomId}'");
                }
                if (question.Decides is { } condition && symptom.Causes.All(c => !c.Conditions.Contains(condition, StringComparer.OrdinalIgnoreCase)))
                {
                    throw Error(flowsFile, item, $"question '{qid}' decides '{condition}', which no documented cause of '{symptomId}' depends on: its answers would lead nowhere");
                }
                ids.Add(qid);
            }
            flows[symptom.Id] = ids;
        }
        // One list of negations for the matcher and the planner (knowledge/curated), and any a dialogs file adds.
        var negations = catalog.Curated.Negations
            .Concat(questionsRoot.Children.TryGetValue(new YamlScalarNode("negations"), out var neg) ? List(neg, questionsFile) : [])
            .Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToArray();
        return new FlowSet { Questions = questions, Flows = flows, Fallback = fallback, Negations = negations };
    }

    /// <summary>Reads a dialogs/ YAML file whose top is a mapping; errors name the file and line.</summary>
    public static YamlMappingNode Read(string path)
    {
        var file = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new FlowException(file, 0, $"not found: {path}");
        }
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(path)));
            return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode map
                ? map
                : throw new FlowException(file, 1, "expected a mapping at the top");
        }
        catch (YamlException ex)
        {
            throw new FlowException(file, (int)ex.Start.Line, ex.Message);
        }
    }

    private static IReadOnlyList<QuestionAnswer> Answers(YamlMappingNode node, string file) =>
        node.Children.Select(kv =>
        {
            var value = Scalar(kv.Key, file);
            var a = Map(kv.Value, file, value);
            return new QuestionAnswer(
                value,
                Localized(Child(a, "label", file), file),
                a.Children.TryGetValue(new YamlScalarNode("synonyms"), out var syn) ? List(syn, file) : [],
                a.Children.TryGetValue(new YamlScalarNode("categories"), out var cat) ? List(cat, file) : []);
        }).ToArray();

    private static IReadOnlyDictionary<string, string> Localized(YamlNode node, string file) =>
        Map(node, file, "text").Children.ToDictionary(kv => SourceDocument.Normalize(Scalar(kv.Key, file)), kv => Scalar(kv.Value, file), StringComparer.OrdinalIgnoreCase);

    private static YamlNode Child(YamlMappingNode map, string key, string file) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : throw Error(file, map, $"missing '{key}'");

    private static string? OptionalScalar(YamlMappingNode map, string key, string file) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? Scalar(node, file) : null;

    private static YamlMappingNode Map(YamlNode node, string file, string what) =>
        node as YamlMappingNode ?? throw Error(file, node, $"'{what}' must be a mapping");

    private static IEnumerable<YamlNode> Sequence(YamlNode node, string file) =>
        node as YamlSequenceNode ?? throw Error(file, node, "expected a list");

    private static IReadOnlyList<string> List(YamlNode node, string file) => Sequence(node, file).Select(n => Scalar(n, file)).ToArray();

    private static string Scalar(YamlNode node, string file) =>
        node is YamlScalarNode { Value: { } v } ? v : throw Error(file, node, "expected a single value");

    private static FlowException Error(string file, YamlNode node, string reason) => new(file, (int)node.Start.Line, reason);
}
