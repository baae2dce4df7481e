using TriageBot.Core.Knowledge;
using TriageBot.Core.Matching;
using TriageBot.Core.Triage;

namespace TriageBot.Bots;

/// <summary>One result of the message extension's search: a documented cause of a documented error.</summary>
/// <param name="Score">The matcher's score (0-100) of the error, or null when it was found by its text (typing in progress) or listed.</param>
public sealed record ErrorSearchHit(Symptom Symptom, Cause Cause, int? Score);

/// <summary>
/// What the message extension's search (<c>searchErrors</c>) finds for a typed text: the documented errors the matcher
/// recognises, best first; while the text is still too short to be recognised, the documented errors whose message
/// (in any language) or curated phrasing contains it; for an empty text, every documented error. Each error
/// contributes its documented causes, in the order the triage would try them, so the agent picks the fix to insert.
/// </summary>
public sealed class ErrorSearch(Catalog catalog, ErrorMatcher matcher, TriagePlanner planner)
{
    /// <summary>Longest search text read; Teams' search box holds far less.</summary>
    public const int MaxQuery = 2000;

    /// <summary>Shortest text searched for inside the documented messages (Chinese: 2 characters).</summary>
    public const int MinContains = 3;

    public IReadOnlyList<ErrorSearchHit> Find(string? query)
    {
        var text = (query ?? "").Trim();
        if (text.Length > MaxQuery)
        {
            text = text[..MaxQuery];
        }
        if (text.Length == 0)
        {
            return catalog.Symptoms.SelectMany(s => s.Causes.Select(c => new ErrorSearchHit(s, c, null))).ToList();
        }

        var result = matcher.Match(text);
        var symptoms = result.Decision != MatchDecision.None
            ? result.Candidates.Select(c => (c.Symptom, (int?)c.Score))
            : Containing(text).Select(s => (s, (int?)null));
        return symptoms.SelectMany(s => CausesOf(s.Item1, text).Select(c => new ErrorSearchHit(s.Item1, c, s.Item2))).ToList();
    }

    private IEnumerable<Symptom> Containing(string text)
    {
        if (text.Length < (Tokenizer.ContainsCjk(text) ? 2 : MinContains))
        {
            return [];
        }
        bool Has(string candidate) => candidate.Contains(text, StringComparison.OrdinalIgnoreCase);
        return catalog.Symptoms.Where(s =>
            s.Causes.Any(c => c.Message.Locales.Any(l => Has(c.Message.Get(l).Plain)))
            || s.Aliases.Values.Any(phrases => phrases.Any(Has)));
    }

    /// <summary>The causes the triage would try, in its order; all documented ones when the text rules out every one.</summary>
    private IReadOnlyList<Cause> CausesOf(Symptom symptom, string text)
    {
        var causes = planner.Plan(symptom, planner.Detect(symptom, text)).Causes;
        return causes.Count > 0 ? causes : symptom.Causes;
    }
}
