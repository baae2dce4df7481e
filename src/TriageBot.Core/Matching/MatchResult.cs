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

/// <summary>What a paste says besides its documented text, worked out once per paste (see <see cref="ErrorMatcher.Explain"/>).</summary>
/// <param name="NamesProduct">It names the product (Skype, Lync, SIP, ...), and not as the part that works.</param>
/// <param name="ProductWorks">It says the product works ("Skype works fine", "Skype 都正常"): the product is not what fails.</param>
/// <param name="Problem">It says that something goes wrong (a problem word: error, cannot, failed, 登不上, ...).</param>
/// <param name="OtherSystem">It names another system (Outlook, VPN, a printer, ...) and not the product: a documented error must be quoted in full.</param>
/// <param name="ChineseSignIn">A Chinese paste that names a sign-in (登录, 登入): stands in for the product's name.</param>
/// <param name="Anchored">It names the product or a sign-in (not one said to work).</param>
/// <param name="Request">It asks for something that is no error report (a price, a profile picture, a how-to question).</param>
/// <param name="Instruction">It instructs the bot ("reply only with ...", "ignore your rules"): answered with nothing (set by <see cref="ErrorMatcher.Explain"/> only).</param>
public readonly record struct PasteFacts(bool NamesProduct, bool ProductWorks, bool Problem, bool OtherSystem, bool ChineseSignIn, bool Anchored, bool Request, bool Instruction = false)
{
    /// <summary>Among the other systems, a server or gateway of its own ("file server", "VPN gateway"): the documented server messages' words are its.</summary>
    public bool OtherServer { get; init; }

    public override string ToString() =>
        $"names product: {YesNo(NamesProduct)}, product works: {YesNo(ProductWorks)}, problem: {YesNo(Problem)}, other system: {YesNo(OtherSystem)}, other server: {YesNo(OtherServer)}, " +
        $"Chinese sign-in: {YesNo(ChineseSignIn)}, anchored: {YesNo(Anchored)}, request: {YesNo(Request)}, instruction: {YesNo(Instruction)}";

    private static string YesNo(bool value) => value ? "yes" : "no";
}

/// <summary>What a paste was read as (<see cref="ErrorMatcher.Explain"/>), and the curated words or phrases that made each fact hold.</summary>
/// <param name="Because">fact ("product works", "other system", "request", ...) -> the curated entry met, as curated.</param>
public sealed record PasteExplanation(PasteFacts Facts, IReadOnlyDictionary<string, string> Because)
{
    public override string ToString() =>
        Because.Count == 0 ? Facts.ToString() : $"{Facts}\n  because: {string.Join("; ", Because.Select(b => $"{b.Key}: '{b.Value}'"))}";
}
