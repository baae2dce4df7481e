using System.Text.Json.Serialization;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;

namespace TriageBot.Escalation;

[JsonConverter(typeof(JsonStringEnumConverter<TicketStatus>))]
public enum TicketStatus
{
    Open,
    Assigned,
    Resolved,
}

[JsonConverter(typeof(JsonStringEnumConverter<TicketEventKind>))]
public enum TicketEventKind
{
    Created,
    Assigned,
    Note,
    AskedUser,
    UserAnswered,
    Resolved,
}

/// <summary>Someone who acts on a ticket: the requester or a helpdesk agent.</summary>
public sealed record TicketPerson(string Id, string? Name = null, string? AadObjectId = null);

/// <summary>One entry of a ticket's history: what happened, who did it, when.</summary>
public sealed record TicketEvent(TicketEventKind Kind, TicketPerson By, DateTimeOffset At, string? Text = null);

/// <summary>A question the triage asked and the user's answer, as shown to the user.</summary>
public sealed record TicketAnswer(string Question, string Answer);

/// <summary>A documented fix the user tried and what happened (fixed, notFixed, helpdesk).</summary>
public sealed record TicketFix(string Cause, string Outcome);

/// <summary>Where the ticket's card was posted in the helpdesk channel (its thread), so it can be updated.</summary>
public sealed record ChannelPost(string ServiceUrl, string ConversationId, string ActivityId);

/// <summary>The Teams user who asked for help, and how to message them back.</summary>
public sealed class TicketRequester
{
    /// <summary>Teams user id (<c>29:...</c>).</summary>
    public string Id { get; set; } = "";

    public string? Name { get; set; }

    public string? AadObjectId { get; set; }

    public string? TenantId { get; set; }

    /// <summary>The user's conversation with the bot, for proactive messages (ticket number, status changes).</summary>
    public ConversationReference? Conversation { get; set; }

    public TicketPerson AsPerson() => new(Id, Name, AadObjectId);
}

/// <summary>What the escalation form asks, following the documents ("Collect more information").</summary>
public sealed class TicketForm
{
    public string? SignInAddress { get; set; }

    public string? ClientApp { get; set; }

    public string? ClientVersion { get; set; }

    public string? OperatingSystem { get; set; }

    /// <summary>When it started, in the user's words.</summary>
    public string? Started { get; set; }

    /// <summary>One user or many (the KB's categories), in the user's words.</summary>
    public string? Scope { get; set; }

    /// <summary>Whether error logging was on and logs or Windows event log details are available.</summary>
    public bool? LogsAvailable { get; set; }

    public string? AnythingElse { get; set; }
}

/// <summary>Everything the conversation collected, handed to <see cref="TicketStore.CreateAsync"/>.</summary>
public sealed class TicketRequest
{
    public TicketRequester Requester { get; set; } = new();

    public string Language { get; set; } = "en-us";

    public string Pasted { get; set; } = "";

    /// <summary>The matched symptom; null when nothing documented matched.</summary>
    public string? SymptomId { get; set; }

    /// <summary>The documented message of the matched symptom; null when nothing documented matched.</summary>
    public string? Message { get; set; }

    public List<TicketAnswer> Answers { get; set; } = [];

    public List<TicketFix> Fixes { get; set; } = [];

    public TicketForm Form { get; set; } = new();

    /// <summary>A short summary of the conversation for the agent.</summary>
    public string Summary { get; set; } = "";
}

/// <summary>A helpdesk ticket as stored (JSON, in <see cref="IStorage"/>) and sent to the webhook.</summary>
public sealed class Ticket : IStoreItem
{
    /// <summary>Short human id, <c>TB-1001</c>.</summary>
    public string Id { get; set; } = "";

    public TicketStatus Status { get; set; }

    public TicketPerson? Assignee { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public TicketRequest Request { get; set; } = new();

    public List<TicketEvent> History { get; set; } = [];

    public ChannelPost? ChannelPost { get; set; }

    public string? ETag { get; set; }

    [JsonIgnore]
    public bool IsOpen => Status != TicketStatus.Resolved;

    /// <summary>The helpdesk's last question to the user when the user has not answered it yet; else null.</summary>
    [JsonIgnore]
    public TicketEvent? PendingQuestion =>
        History.LastOrDefault(e => e.Kind is TicketEventKind.AskedUser or TicketEventKind.UserAnswered) is { Kind: TicketEventKind.AskedUser } asked ? asked : null;

    // Transitions for TicketStore.UpdateAsync; each keeps status, assignee and history together.
    public void Assign(TicketPerson agent, DateTimeOffset at)
    {
        Status = TicketStatus.Assigned;
        Assignee = agent;
        History.Add(new TicketEvent(TicketEventKind.Assigned, agent, at));
    }

    public void Resolve(TicketPerson agent, string? note, DateTimeOffset at)
    {
        Status = TicketStatus.Resolved;
        History.Add(new TicketEvent(TicketEventKind.Resolved, agent, at, note));
    }

    public void AddNote(TicketPerson by, string note, DateTimeOffset at) =>
        History.Add(new TicketEvent(TicketEventKind.Note, by, at, note));

    public void AskUser(TicketPerson agent, string question, DateTimeOffset at) =>
        History.Add(new TicketEvent(TicketEventKind.AskedUser, agent, at, question));

    public void RecordUserAnswer(string answer, DateTimeOffset at) =>
        History.Add(new TicketEvent(TicketEventKind.UserAnswered, Request.Requester.AsPerson(), at, answer));
}
