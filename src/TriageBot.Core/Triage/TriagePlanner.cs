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

    /// <summary>
    /// Answers the paste already gives ("we use ADFS"), for the questions of this symptom. The longest phrase found
    /// decides ("don't use adfs", listed under no, contains "adfs", listed under yes). A phrase with a negation near it
    /// in its clause (<see cref="FlowSet.Negations"/>: up to three words before or after it, or a Chinese negation right
    /// before it) says the opposite when the question is a yes/no one ("AD FS nutzen wir nicht": no), and nothing otherwise
    /// ("not everyone" says neither "everyone" nor which other answer).
    /// </summary>
    public Dictionary<string, string> Detect(Symptom symptom, string text)
    {
        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var lower = text.ToLowerInvariant();
        foreach (var question in flows.QuestionsFor(symptom.Id))
        {
            var longest = 0;
            foreach (var (value, phrases) in _detect[question.Id])
            {
                foreach (var (phrase, lowerPhrase) in phrases)
                {
                    if (phrase.Length <= longest || FindPhrase(lower, lowerPhrase) is not { } at)
                    {
                        continue;
                    }

                    var answer = value;
                    if (IsNegated(lower, at, lowerPhrase.Length))
                    {
                        answer = question.Decides is null ? null : value.Equals("yes", StringComparison.OrdinalIgnoreCase) ? "no" : "yes";
                    }

                    longest = phrase.Length;
                    if (answer is null)
                    {
                        found.Remove(question.Id);
                    }
                    else
                    {
                        found[question.Id] = answer;
                    }
                }
            }
        }
        return found;
    }

    /// <summary>Whether one of the negations stands near the phrase at <paramref name="at"/>, in its clause.</summary>
    private bool IsNegated(string text, int at, int length)
    {
        if (flows.Negations.Count == 0)
        {
            return false;
        }

        const int Reach = 3;
        var start = at;
        while (start > 0 && !IsClauseEnd(text[start - 1]))
        {
            start--;
        }
        var end = at + length;
        while (end < text.Length && !IsClauseEnd(text[end]))
        {
            end++;
        }

        var before = text[start..at];
        var after = text[(at + length)..end];
        var near = LastWords(before, Reach).Concat(FirstWords(after, Reach)).ToHashSet(StringComparer.Ordinal);
        var beforeTail = before.TrimEnd();
        foreach (var negation in flows.Negations)
        {
            if (Matching.Tokenizer.IsCjk(negation[0])
                ? beforeTail.Length > 0 && beforeTail[^Math.Min(beforeTail.Length, negation.Length + 2)..].Contains(negation, StringComparison.Ordinal)
                : near.Contains(negation))
            {
                return true;
            }
        }
        return false;

        static bool IsClauseEnd(char c) => c is '.' or ',' or ';' or ':' or '!' or '?' or '\n' or '(' or ')' or '。' or '，' or '；' or '：' or '！' or '？' or '、';
        static IEnumerable<string> WordsOf(string part) => part.Split(WordSeparators, StringSplitOptions.RemoveEmptyEntries);
        static IEnumerable<string> LastWords(string part, int n) => WordsOf(part).TakeLast(n).SelectMany(Forms);
        static IEnumerable<string> FirstWords(string part, int n) => WordsOf(part).Take(n).SelectMany(Forms);
        // "don't" is also looked up as "dont" and "n't" as itself, so the list may name either.
        static IEnumerable<string> Forms(string word) => word.EndsWith("n't", StringComparison.Ordinal) || word.EndsWith("n\u2019t", StringComparison.Ordinal)
            ? [word, word.Replace("'", "", StringComparison.Ordinal).Replace("\u2019", "", StringComparison.Ordinal), "n't"]
            : [word];
    }

    private static readonly char[] WordSeparators = [' ', '\t', '\r', '"', '\u201C', '\u201D', '-', '/'];

    private static int CategoryRank(Cause cause, IReadOnlyList<string> preferred)
    {
        var i = cause.Category is null ? -1 : preferred.ToList().IndexOf(cause.Category);
        return i < 0 ? preferred.Count : i;
    }

    /// <summary>
    /// Where the phrase first stands on word boundaries (a Chinese character next to a Latin phrase is a boundary, as is
    /// anything next to a Chinese phrase), or null.
    /// </summary>
    private static int? FindPhrase(string text, string phrase)
    {
        var at = text.IndexOf(phrase, StringComparison.Ordinal);
        while (at >= 0)
        {
            var before = at == 0 || IsBoundary(text[at - 1]) || Matching.Tokenizer.IsCjk(phrase[0]);
            var end = at + phrase.Length;
            var after = end >= text.Length || IsBoundary(text[end]) || Matching.Tokenizer.IsCjk(phrase[^1]);
            if (before && after)
            {
                return at;
            }
            at = text.IndexOf(phrase, at + 1, StringComparison.Ordinal);
        }
        return null;

        static bool IsBoundary(char c) => !char.IsLetterOrDigit(c) || Matching.Tokenizer.IsCjk(c);
    }
}
