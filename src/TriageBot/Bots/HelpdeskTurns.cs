using System.Text.Json;
using Microsoft.Extensions.Options;
using TriageBot.Cards;
using TriageBot.Dialogs;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;

namespace TriageBot.Bots;

/// <summary>
/// The turns of the hand-over after a ticket exists: agents pressing the ticket card's buttons (Action.Execute,
/// answered with the updated card; or the Action.Submit fallback, answered by updating the card in place),
/// and the user answering the helpdesk's question (card or typed).
/// </summary>
internal sealed class HelpdeskTurns(TicketActions actions, TicketStore tickets, HelpdeskCards cards, BotTexts texts, IOptions<EscalationOptions> options, ILogger<HelpdeskTurns> log)
{
    public const string ExecuteInvokeName = "adaptiveCard/action";

    private string HelpdeskLocale => options.Value.HelpdeskLocale;

    /// <summary>Whether an Action.Execute is one of the ticket card's (<c>ticket.*</c> verbs).</summary>
    public static bool IsTicketVerb(string? verb) => verb?.StartsWith(TicketVerbs.Prefix, StringComparison.Ordinal) == true;

    /// <summary>
    /// <c>adaptiveCard/action</c> with a <c>ticket.*</c> verb: the Universal Actions response is the ticket card as
    /// it is now for the agent who pressed (with the reason on top when nothing changed); someone who is not an
    /// agent gets an error card with nothing of the ticket on it; an unknown ticket or verb is a 400 error response.
    /// </summary>
    public async Task<InvokeResponse> OnExecuteAsync(ITurnContext turn, string verb, JsonElement data, CancellationToken cancellationToken)
    {
        var action = verb[TicketVerbs.Prefix.Length..];
        var outcome = await actions.ApplyAsync(turn.Activity, action, Str(data, "ticketId"), InputOf(data, action), cancellationToken);
        Log(turn, verb, outcome);
        if (outcome.Ticket is null)
        {
            var message = texts.Get(outcome.Error!, HelpdeskLocale, ("id", Str(data, "ticketId") ?? ""));
            if (outcome.Error is "helpdesk-not-agent" or "helpdesk-check-failed" && action != TicketVerbs.Refresh)
            {
                return new InvokeResponse
                {
                    Status = 200,
                    Body = new AdaptiveCardInvokeResponse { StatusCode = 200, Type = TriageCards.ContentType, Value = cards.Notice(message).Attachments![0].Content },
                };
            }

            // A refresh that may not read the ticket leaves the card as it is (Teams keeps it on an error).
            return Error(outcome.Error is "helpdesk-not-agent" ? 403 : outcome.Error is "helpdesk-check-failed" ? 503 : 400,
                outcome.Error is "helpdesk-not-agent" ? "Forbidden" : outcome.Error is "helpdesk-check-failed" ? "ServiceUnavailable" : "BadRequest", message);
        }

        var banner = outcome.Error is null ? null : texts.Get(outcome.Error, HelpdeskLocale, ("id", outcome.Ticket.Id));
        return new InvokeResponse
        {
            Status = 200,
            Body = new AdaptiveCardInvokeResponse { StatusCode = 200, Type = TriageCards.ContentType, Value = cards.Render(outcome.Ticket, banner).Content },
        };
    }

    /// <summary>
    /// The Action.Submit fallback of the ticket card (<c>{"ticketAction": ..., "ticketId": ...}</c>): the card the
    /// button was on is replaced by the ticket as it is now; when nothing changed the agent gets the reason as a
    /// small card in the thread.
    /// </summary>
    public async Task OnSubmitAsync(ITurnContext turn, JsonElement value, CancellationToken cancellationToken)
    {
        var verb = Str(value, TicketVerbs.SubmitKey);
        var outcome = await actions.ApplyAsync(turn.Activity, verb, Str(value, "ticketId"), InputOf(value, verb), cancellationToken);
        Log(turn, verb, outcome);
        if (outcome.Error is not null)
        {
            await turn.SendActivityAsync(Reply(turn, cards.Notice(texts.Get(outcome.Error, HelpdeskLocale, ("id", outcome.Ticket?.Id ?? Str(value, "ticketId") ?? "")))), cancellationToken);
            return;
        }

        if (turn.Activity.ReplyToId is { Length: > 0 } cardId)
        {
            var update = cards.Message(outcome.Ticket!);
            update.Id = cardId;
            try
            {
                await turn.UpdateActivityAsync(update, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                // The outbox updates the channel's card anyway; this was only the quick path.
                log.LogWarning(ex, "Could not update the card {CardId} of ticket {TicketId} in place", cardId, outcome.Ticket!.Id);
            }
        }
    }

    /// <summary>The user's answer from the question card (<c>{"ticketReply": id, "answer": ...}</c>) or typed (<paramref name="value"/> null).</summary>
    public async Task OnAnswerAsync(ITurnContext turn, JsonElement? value, CancellationToken cancellationToken)
    {
        var ticketId = value is { } v ? Str(v, TicketVerbs.ReplyKey) : null;
        var answer = value is { } a ? Str(a, "answer") : turn.Activity.RemoveRecipientMention();
        var outcome = await actions.AnswerAsync(turn.Activity, ticketId, answer, cancellationToken);
        var locale = outcome.Ticket?.Request.Language ?? TriageDialog.ChooseLocale("en-us", turn.Activity.Locale);
        var id = outcome.Ticket?.Id ?? ticketId ?? "";
        log.LogInformation("Ticket {TicketId}: user answer {Outcome}", id, outcome.Error ?? "relayed");
        var reply = turn.Activity.CreateReply(texts.Get(outcome.Error ?? "ticket-answer-sent", locale, ("id", id)));
        reply.TextFormat = "markdown";
        await turn.SendActivityAsync(reply, cancellationToken);
    }

    /// <summary>Whether a typed message in this conversation answers a helpdesk question waiting for it.</summary>
    public async Task<bool> IsAwaitedAnswerAsync(ITurnContext turn, CancellationToken cancellationToken) =>
        turn.Activity.Conversation?.Id is { Length: > 0 } conversationId
        && await tickets.FindAwaitingAnswerAsync(conversationId, cancellationToken) is { } ticket
        && ticket.Request.Requester.Id == turn.Activity.From?.Id;

    private void Log(ITurnContext turn, string? verb, TicketActionOutcome outcome) =>
        log.LogInformation("Ticket {TicketId}: {Verb} by {User}: {Outcome}", outcome.Ticket?.Id, verb, turn.Activity.From?.Id, outcome.Error ?? "applied");

    private static Activity Reply(ITurnContext turn, Activity activity)
    {
        var reply = turn.Activity.CreateReply();
        reply.Attachments = activity.Attachments;
        reply.Summary = activity.Summary;
        return reply;
    }

    private static InvokeResponse Error(int status, string code, string message) => new()
    {
        Status = 200,
        Body = new AdaptiveCardInvokeResponse { StatusCode = status, Type = "application/vnd.microsoft.error", Value = new { code, message } },
    };

    // The input of the action's own ShowCard: some clients send every input of the card with an action.
    private static string? InputOf(JsonElement data, string? verb) => verb switch
    {
        TicketVerbs.Resolve => Str(data, "note"),
        TicketVerbs.Ask => Str(data, "question"),
        _ => null,
    };

    internal static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
}

/// <summary>The body of an <c>adaptiveCard/action</c> invoke response (Universal Actions).</summary>
internal sealed class AdaptiveCardInvokeResponse
{
    public int StatusCode { get; set; }

    public string Type { get; set; } = "";

    public object? Value { get; set; }
}
