using TriageBot.Core.Knowledge;

namespace TriageBot.Core.Triage;

/// <summary>Where a triage stands: the next question to ask, or the causes to try in order (or the fallback).</summary>
/// <param name="Next">The question to ask next, or null when the answers are enough.</param>
/// <param name="Causes">The documented causes that still apply, most specific first.</param>
/// <param name="Fallback">The documented procedure to follow when no cause applies (e.g. Plan P customers).</param>
public sealed record TriagePlan(Question? Next, IReadOnlyList<Cause> Causes, Resolution? Fallback);

/// <summary>
/// Decides what to ask and which documented causes apply, from the flows in <c>dialogs/</c> and
/// the conditions the documents attach to causes. Answers are question id -> answer value.
/// </summary>
public sealed class TriagePlanner(Catalog catalog, FlowSet flows)
{
    /// <summary>Each question's detect phrases in lower case, in their order, lowered once (not on every paste).</summary>
    private readonly Dictionary<string, (string Value, (string Phrase, string Lower)[] Phrases)[]> _detect = flows.Questions.Values.ToDictionary(
        q => q.Id,
        q => q.Detect.Select(d => (d.Key, d.Value.Select(p => (p, p.ToLowerInvariant())).ToArray())).ToArray(),
        StringComparer.Ordinal);

    public FlowSet Flows => flows;

    public TriagePlan Plan(Symptom symptom, IReadOnlyDictionary<string, string> answers)
    {
        var known = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<string> preferredCategories = [];
        foreach (var (questionId, value) in answers)
        {
            if (!flows.Questions.TryGetValue(questionId, out var q))
            {
                continue;
            }
            if (q.Decides is { } condition)
            {
                known[condition] = value.Equals("yes", StringComparison.OrdinalIgnoreCase);
            }
            else if (q.OrdersByCategory && q.Find(value) is { } answer)
            {
                preferredCategories = answer.Categories;
            }
        }

        // A cause applies unless an answer ruled out one of its conditions.
        var remaining = symptom.Causes.Where(c => c.Conditions.All(k => !known.TryGetValue(k, out var holds) || holds)).ToList();

        foreach (var question in flows.QuestionsFor(symptom.Id))
        {
            if (answers.ContainsKey(question.Id))
            {
                continue;
            }
            var matters = question.Decides is { } condition
                ? remaining.Any(c => c.Conditions.Contains(condition, StringComparer.OrdinalIgnoreCase))
                // Ordering only helps when no confirmed condition already decides which cause comes first.
                : remaining.Count > 1 && remaining.Select(c => c.Category).Distinct().Count() > 1 &&
                  !remaining.Any(c => c.Conditions.Any(k => known.GetValueOrDefault(k)));
            if (matters)
            {
                return new TriagePlan(question, remaining, null);
            }
        }

        // Most specific first: causes whose conditions were confirmed, then by the preferred
        // categories, then document order.
        var ordered = remaining
            .Select((cause, index) => (cause, index))
            .OrderByDescending(x => x.cause.Conditions.Count(k => known.GetValueOrDefault(k)))
            .ThenBy(x => CategoryRank(x.cause, preferredCategories))
            .ThenBy(x => x.index)
            .Select(x => x.cause)
            .ToList();
        return new TriagePlan(null, ordered, ordered.Count == 0 ? catalog.Procedures.GetValueOrDefault(flows.Fallback)?.English : null);
    }

    /// <summary>The fallback procedure in a language.</summary>
    public Resolution? Fallback(string locale) => catalog.Procedures.GetValueOrDefault(flows.Fallback)?.Get(locale);

    /// <summary>Answers the paste already gives ("we use ADFS"), for the questions of this symptom.</summary>
    public Dictionary<string, string> Detect(Symptom symptom, string text)
    {
        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var lower = text.ToLowerInvariant();
        foreach (var question in flows.QuestionsFor(symptom.Id))
        {
            // The longest phrase found decides: "don't use adfs" (no) contains "adfs" (yes).
            var longest = 0;
            foreach (var (value, phrases) in _detect[question.Id])
            {
                foreach (var (phrase, lowerPhrase) in phrases)
                {
                    if (phrase.Length > longest && ContainsPhrase(lower, lowerPhrase))
                    {
                        longest = phrase.Length;
                        found[question.Id] = value;
                    }
                }
            }
        }
        return found;
    }

    private static int CategoryRank(Cause cause, IReadOnlyList<string> preferred)
    {
        var i = cause.Category is null ? -1 : preferred.ToList().IndexOf(cause.Category);
        return i < 0 ? preferred.Count : i;
    }

    /// <summary>Phrase containment on word boundaries for Latin text; plain containment for Chinese.</summary>
    private static bool ContainsPhrase(string text, string phrase)
    {
        var at = text.IndexOf(phrase, StringComparison.Ordinal);
        while (at >= 0)
        {
            var before = at == 0 || !char.IsLetterOrDigit(text[at - 1]) || Matching.Tokenizer.IsCjk(phrase[0]);
            var end = at + phrase.Length;
            var after = end >= text.Length || !char.IsLetterOrDigit(text[end]) || Matching.Tokenizer.IsCjk(phrase[^1]);
            if (before && after)
            {
                return true;
            }
            at = text.IndexOf(phrase, at + 1, StringComparison.Ordinal);
        }
        return false;
    }
}
