namespace TriageBot.Dialogs;

/// <summary>A fix the user tried and what happened (fixed, notFixed, helpdesk).</summary>
public sealed record TriedFix(string CauseId, string Outcome);

/// <summary>
/// What the triage of one paste has collected, kept in conversation state (JSON): the paste, its
/// language, the recognised symptom, the answers, the causes tried and their outcomes. The
/// escalation to a human reads it so the user never repeats themselves.
/// </summary>
public sealed class TriageState
{
    /// <summary>Identifies this triage on its cards: a button from an older card is recognised as stale.</summary>
    public string FlowId { get; set; } = "";

    public string Locale { get; set; } = "en-us";

    public string Pasted { get; set; } = "";

    public string? SymptomId { get; set; }

    /// <summary>The documented English message closest to what the user pasted.</summary>
    public string? Message { get; set; }

    public Dictionary<string, string> Answers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public string? PendingQuestion { get; set; }

    public int CauseIndex { get; set; }

    public List<TriedFix> Tried { get; set; } = [];

    /// <summary>Pastes in a row that matched nothing documented.</summary>
    public int FailedMatches { get; set; }

    public bool Announced { get; set; }

    /// <summary>The candidates offered when the paste was ambiguous: symptom id -> documented English message.</summary>
    public Dictionary<string, string> Candidates { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A hand-over form sent back for a wrong sign-in address: what the user filled in, shown again.</summary>
    public Escalation.TicketForm? FormDraft { get; set; }
}

/// <summary>
/// What a triage prompt's card is built from, kept in the prompt's options instead of the card itself (a fix card
/// is several KB of JSON that would be stored, read and serialized again on every turn until the answer comes).
/// </summary>
public sealed class PromptCard
{
    public const string Question = "question";
    public const string Resolution = "resolution";
    public const string Choose = "choose";

    /// <summary><see cref="Question"/>, <see cref="Resolution"/> or <see cref="Choose"/>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The question id (question) or the symptom id (resolution).</summary>
    public string? Id { get; set; }

    public string? CauseId { get; set; }

    public string Locale { get; set; } = "en-us";

    public string FlowId { get; set; } = "";

    /// <summary>The line above the card's content, if any.</summary>
    public string? Intro { get; set; }

    /// <summary>Choose: the candidate symptom ids and their documented English messages, best first.</summary>
    public List<string>? Candidates { get; set; }

    public List<string>? Messages { get; set; }
}
