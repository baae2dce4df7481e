using TriageBot.Core.Knowledge;
using TriageBot.Core.Matching;
using TriageBot.Core.Triage;

namespace TriageBot.Bots;

/// <summary>One result of the message extension's search: a documented cause of a documented error.</summary>
/// <param name="Message">How the result is titled: the error's documented message closest to the text (in the search's language where the documents have it).</param>
/// <param name="Score">The matcher's score (0-100) of the error, or null when it was found by its text (typing in progress) or listed.</param>
public sealed record ErrorSearchHit(Symptom Symptom, Cause Cause, string Message, int? Score);

/// <summary>
/// What the message extension's search (<c>searchErrors</c>) finds for a typed text: the documented errors the matcher
/// recognises, best first (those scoring at least half the best); while the text is still too short to be recognised, the documented errors whose message
/// (in any language) or curated phrasing contains it; for an empty text, every documented error. Each error
/// contributes its documented causes, in the order the triage would try them, so the agent picks the fix to insert.
/// </summary>
public sealed class ErrorSearch(Catalog catalog, ErrorMatcher matcher, TriagePlanner planner)
{
    /// <summary>Longest search text read; Teams' search box holds far less.</summary>
    public const int MaxQuery = 2000;

    /// <summary>Shortest text searched for inside the documented messages (Chinese: 2 characters).</summary>
    public const int MinContains = 3;

    /// <summary>The results for <paramref name="query"/>, titled in <paramref name="locale"/> where the documents have it.</summary>
    public IReadOnlyList<ErrorSearchHit> Find(string? query, string locale)
    {
        var text = (query ?? "").Trim();
        if (text.Length > MaxQuery)
        {
            text = text[..MaxQuery];
        }
        if (text.Length == 0)
        {
            return catalog.Symptoms.SelectMany(s => s.Causes.Select(c => new ErrorSearchHit(s, c, c.Message.Get(locale).Plain, null))).ToList();
        }

        var result = matcher.Match(text);
        // A search lists what is plausible: the errors scoring at least half the best one's score (a clear match is
        // usually alone then, an ambiguous text keeps its close rivals).
        var best = result.Top?.Score ?? 0;
        var symptoms = result.Decision != MatchDecision.None
            ? result.Candidates.Where(c => c.Score * 2 >= best).Select(c => (c.Symptom, Cards.CopilotCards.MessageIn(c, locale), (int?)c.Score))
            : Containing(text).Select(found => (found.Symptom, found.Message, (int?)null));
        return symptoms.SelectMany(s => CausesOf(s.Item1, text).Select(c => new ErrorSearchHit(s.Item1, c, s.Item2, s.Item3))).ToList();
    }

    /// <summary>
    /// The errors with a documented message (any language) or curated phrasing containing the text, each with the
    /// shortest such message: messages that start with the text first, then messages containing it, then phrasings.
    /// </summary>
    private IEnumerable<(Symptom Symptom, string Message)> Containing(string text)
    {
        if (text.Length < (Tokenizer.ContainsCjk(text) ? 2 : MinContains))
        {
            return [];
        }
        var found = new List<(Symptom Symptom, string Message, int Rank, int Order)>();
        for (var order = 0; order < catalog.Symptoms.Count; order++)
        {
            var symptom = catalog.Symptoms[order];
            var messages = symptom.Causes.SelectMany(c => c.Message.Locales.Select(l => c.Message.Get(l).Plain))
                .Select(m => (Message: m, Rank: m.StartsWith(text, StringComparison.OrdinalIgnoreCase) ? 0 : 1))
                .Concat(symptom.Aliases.Values.SelectMany(phrases => phrases).Select(a => (Message: a, Rank: 2)))
                .Where(m => m.Message.Contains(text, StringComparison.OrdinalIgnoreCase))
                .OrderBy(m => m.Rank).ThenBy(m => m.Message.Length)
                .ToList();
            if (messages.Count > 0)
            {
                found.Add((symptom, messages[0].Message, messages[0].Rank, order));
            }
        }
        return found.OrderBy(f => f.Rank).ThenBy(f => f.Order).Select(f => (f.Symptom, f.Message));
    }

    /// <summary>The causes the triage would try, in its order; all documented ones when the text rules out every one.</summary>
    private IReadOnlyList<Cause> CausesOf(Symptom symptom, string text)
    {
        var causes = planner.Plan(symptom, planner.Detect(symptom, text)).Causes;
        return causes.Count > 0 ? causes : symptom.Causes;
    }
}
