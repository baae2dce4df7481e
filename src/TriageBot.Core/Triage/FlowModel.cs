namespace TriageBot.Core.Triage;

/// <summary>An answer a question accepts: its value, its label per language, typed synonyms.</summary>
public sealed record QuestionAnswer(
    string Value,
    IReadOnlyDictionary<string, string> Label,
    IReadOnlyList<string> Synonyms,
    IReadOnlyList<string> Categories)
{
    public string LabelFor(string locale) => Texts.For(Label, locale) ?? Value;
}

/// <summary>
/// A question from <c>dialogs/questions.yaml</c>. It either decides a condition of the documents
/// (answer <c>yes</c>: the condition holds) or orders the causes by the KB's categories.
/// </summary>
public sealed record Question(
    string Id,
    string? Decides,
    bool OrdersByCategory,
    IReadOnlyDictionary<string, string> Ask,
    IReadOnlyList<QuestionAnswer> Answers,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Detect)
{
    public string TextFor(string locale) => Texts.For(Ask, locale) ?? Id;

    public QuestionAnswer? Find(string value) => Answers.FirstOrDefault(a => a.Value.Equals(value, StringComparison.OrdinalIgnoreCase));
}

/// <summary>The questions and, per symptom, which of them decide its resolution (<c>dialogs/</c>).</summary>
public sealed class FlowSet
{
    public required IReadOnlyDictionary<string, Question> Questions { get; init; }

    /// <summary>symptom id -> question ids in the order asked.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Flows { get; init; }

    /// <summary>Anchor of the procedure for when every documented cause is ruled out.</summary>
    public required string Fallback { get; init; }

    /// <summary>
    /// Words that deny a detect phrase standing near them in the same clause ("AD FS nutzen wir nicht", "we don't use
    /// ADFS", "没有用 ADFS"), lower case; see <see cref="TriagePlanner.Detect"/>.
    /// </summary>
    public IReadOnlyList<string> Negations { get; init; } = [];

    public IReadOnlyList<Question> QuestionsFor(string symptomId) =>
        Flows.TryGetValue(symptomId, out var ids) ? ids.Select(id => Questions[id]).ToArray() : [];
}

/// <summary>A dialogs/ file that cannot be used: the file, the line and what is wrong.</summary>
public sealed class FlowException(string file, int line, string reason) : Exception($"{file}:{line}: {reason}")
{
    public string File { get; } = file;

    public int Line { get; } = line;

    public string Reason { get; } = reason;
}

internal static class Texts
{
    /// <summary>The text for a locale, else its language, else English, else any.</summary>
    public static string? For(IReadOnlyDictionary<string, string> texts, string locale)
    {
        if (texts.TryGetValue(locale, out var exact))
        {
            return exact;
        }
        var language = locale.Split('-')[0];
        return texts.FirstOrDefault(kv => kv.Key.Split('-')[0] == language).Value
               ?? texts.GetValueOrDefault("en-us")
               ?? texts.Values.FirstOrDefault();
    }
}
