using TriageBot.Core.Knowledge;

namespace TriageBot.Core.Matching;

/// <summary>What the matcher concluded about a paste.</summary>
public enum MatchDecision
{
    /// <summary>One documented error fits clearly.</summary>
    Match,

    /// <summary>Several documented errors fit about as well: ask which one the user sees.</summary>
    Ambiguous,

    /// <summary>Nothing documented fits: ask for the exact text, or offer a human.</summary>
    None,
}

/// <summary>A documented symptom the paste may be about.</summary>
/// <param name="Symptom">The catalog symptom.</param>
/// <param name="Score">0-100.</param>
/// <param name="Message">The documented English message of this symptom closest to the paste.</param>
/// <param name="Causes">The documented causes (English), in document order.</param>
/// <param name="MatchedPhrases">The documented or curated phrases that matched, best first.</param>
/// <param name="MatchedTerms">The words of the paste that matched.</param>
/// <param name="MatchedLocale">The language of the best matched phrase (lower-case BCP-47, e.g. <c>de-de</c>), or null when none matched:
/// a low candidate's best phrase can be in another language than the paste, sharing a few words with it.</param>
public sealed record MatchCandidate(
    Symptom Symptom,
    int Score,
    string Message,
    IReadOnlyList<string> Causes,
    IReadOnlyList<string> MatchedPhrases,
    IReadOnlyList<string> MatchedTerms,
    string? MatchedLocale = null)
{
    public string SymptomId => Symptom.Id;
}

/// <summary>The ranked candidates and the decision.</summary>
/// <param name="Language">The language the paste is written in (lower-case BCP-47, e.g. <c>zh-cn</c>).</param>
/// <param name="Notice">Why nothing was matched (empty input), or that a long input was cut, else null.</param>
public sealed record MatchResult(MatchDecision Decision, IReadOnlyList<MatchCandidate> Candidates, string Language, string? Notice)
{
    public MatchCandidate? Top => Candidates.Count > 0 ? Candidates[0] : null;
}
