using System.Text.RegularExpressions;
using TriageBot.Cards;
using TriageBot.Protocol.Schema;

namespace TriageBot.Escalation;

/// <summary>
/// What happened to an action on a ticket: the ticket as it is now (null when there is none), and the id of
/// the text in <c>dialogs/strings.yaml</c> that explains why nothing changed (null when the action applied).
/// </summary>
public sealed record TicketActionOutcome(Ticket? Ticket, string? Error)
{
    public bool Applied => Error is null;
}

/// <summary>
/// The agents' actions on a ticket (assign to me, resolve with a note, ask the user) and the user's answer,
/// whichever way they arrive (Action.Execute, the Action.Submit fallback, typed). Checks who may act first:
/// anyone else changes nothing.
/// </summary>
public sealed partial class TicketActions(TicketStore tickets, HelpdeskAgents agents)
{
    /// <summary>Longest note, question or answer kept; the rest is cut.</summary>
    public const int MaxText = 2000;

    /// <summary>Applies <paramref name="verb"/> (<see cref="TicketVerbs"/>) of the agent who sent <paramref name="activity"/>.</summary>
    public async Task<TicketActionOutcome> ApplyAsync(Activity activity, string? verb, string? ticketId, string? text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (verb is not (TicketVerbs.Assign or TicketVerbs.Resolve or TicketVerbs.Ask or TicketVerbs.Refresh))
        {
            return new(null, "helpdesk-unknown-action");
        }

        // Who asks comes first: someone who is not an agent learns nothing of tickets, not even which exist.
        switch (await agents.CheckAsync(activity, cancellationToken).ConfigureAwait(false))
        {
            case AgentCheck.NotAgent:
                return new(null, "helpdesk-not-agent");
            case AgentCheck.Unknown:
                return new(null, "helpdesk-check-failed");
        }

        if (ticketId is null || !TicketIdRegex().IsMatch(ticketId) || await tickets.GetAsync(ticketId, cancellationToken).ConfigureAwait(false) is not { } ticket)
        {
            return new(null, "helpdesk-unknown-ticket");
        }

        if (verb == TicketVerbs.Refresh)
        {
            return new(ticket, null);
        }

        text = Clean(text);
        if (verb == TicketVerbs.Resolve && text is null)
        {
            return new(ticket, "helpdesk-note-required");
        }

        if (verb == TicketVerbs.Ask && text is null)
        {
            return new(ticket, "helpdesk-question-required");
        }

        if (verb == TicketVerbs.Ask && ticket.Request.Requester.Conversation?.Conversation?.Id is null)
        {
            return new(ticket, "helpdesk-user-unreachable");
        }

        var agent = new TicketPerson(activity.From!.Id!, activity.From.Name, activity.From.AadObjectId);
        var wasResolved = false;
        var updated = await tickets.UpdateAsync(ticket.Id, t =>
        {
            // Decided on the stored ticket: another agent may have resolved it a moment ago.
            wasResolved = !t.IsOpen;
            if (wasResolved)
            {
                return;
            }

            switch (verb)
            {
                case TicketVerbs.Assign when t.Assignee?.Id != agent.Id:
                    t.Assign(agent, tickets.Now);
                    break;
                case TicketVerbs.Resolve:
                    t.Resolve(agent, text, tickets.Now);
                    break;
                case TicketVerbs.Ask:
                    t.AskUser(agent, text!, tickets.Now);
                    break;
            }
        }, cancellationToken).ConfigureAwait(false);
        return wasResolved ? new(updated, "helpdesk-already-resolved") : new(updated, null);
    }

    /// <summary>
    /// The requester's answer to the helpdesk's question on <paramref name="ticketId"/> (or, when null, on the
    /// ticket waiting for an answer in this conversation). Error ids: <c>ticket-answer-empty</c>,
    /// <c>ticket-answer-closed</c>.
    /// </summary>
    public async Task<TicketActionOutcome> AnswerAsync(Activity activity, string? ticketId, string? answer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var ticket = ticketId is not null && TicketIdRegex().IsMatch(ticketId)
            ? await tickets.GetAsync(ticketId, cancellationToken).ConfigureAwait(false)
            : activity.Conversation?.Id is { Length: > 0 } conversationId
                ? await tickets.FindAwaitingAnswerAsync(conversationId, cancellationToken).ConfigureAwait(false)
                : null;

        // Only the person who asked for help answers for their ticket.
        if (ticket is null || ticket.Request.Requester.Id != activity.From?.Id || !ticket.IsOpen || ticket.PendingQuestion is null)
        {
            return new(ticket, "ticket-answer-closed");
        }

        if (Clean(answer) is not { } text)
        {
            return new(ticket, "ticket-answer-empty");
        }

        var answered = false;
        var updated = await tickets.UpdateAsync(ticket.Id, t =>
        {
            answered = t.IsOpen && t.PendingQuestion is not null;
            if (answered)
            {
                t.RecordUserAnswer(text, tickets.Now);
            }
        }, cancellationToken).ConfigureAwait(false);
        return answered ? new(updated, null) : new(updated, "ticket-answer-closed");
    }

    private static string? Clean(string? text)
    {
        text = text?.Trim();
        return string.IsNullOrEmpty(text) ? null : text.Length <= MaxText ? text : text[..MaxText] + "…";
    }

    [GeneratedRegex(@"^TB-\d{1,9}$")]
    private static partial Regex TicketIdRegex();
}
