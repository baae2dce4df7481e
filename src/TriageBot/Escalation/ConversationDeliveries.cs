using TriageBot.Cards;
using TriageBot.Dialogs;
using TriageBot.Protocol.Connector;
using TriageBot.Protocol.Schema;

namespace TriageBot.Escalation;

/// <summary>
/// Tells the user who asked for help, in their own chat with the bot and their language, what the helpdesk did:
/// an agent took the ticket, asked a question (a card to answer it), resolved it with a note.
/// </summary>
internal sealed class RequesterDelivery(IConnectorClient connector, HelpdeskCards cards, BotTexts texts, ILogger<RequesterDelivery> log) : IDeliveryChannel
{
    public string Name => Outbox.RequesterChannel;

    internal static Activity Text(string text) => new() { Type = ActivityTypes.Message, Text = text };

    public Task DeliverAsync(Ticket ticket, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("A requester delivery is about one event of the ticket's history.");

    public async Task DeliverAsync(Ticket ticket, OutboxItem item, CancellationToken cancellationToken)
    {
        if (item.EventIndex is not { } index || index < 0 || index >= ticket.History.Count)
        {
            throw new InvalidOperationException($"Ticket {ticket.Id} has no event {item.EventIndex}.");
        }

        var reference = ticket.Request.Requester.Conversation;
        if (reference?.Conversation?.Id is not { Length: > 0 } conversationId || string.IsNullOrEmpty(reference.ServiceUrl))
        {
            // Nothing to retry: a ticket made without a conversation (an API client) has nobody to tell.
            log.LogWarning("Ticket {TicketId}: the user has no known conversation, so they were not told about event {Index}", ticket.Id, index);
            return;
        }

        var e = ticket.History[index];
        var locale = ticket.Request.Language;
        Activity activity;
        switch (e.Kind)
        {
            case TicketEventKind.AskedUser:
                activity = cards.Question(ticket, e);
                break;
            case TicketEventKind.Assigned:
                activity = Text(texts.Get("ticket-assigned", locale, ("agent", HelpdeskCards.Name(e.By)), ("id", ticket.Id)));
                break;
            case TicketEventKind.Resolved:
                activity = Text(texts.Get("ticket-resolved", locale, ("agent", HelpdeskCards.Name(e.By)), ("id", ticket.Id), ("note", e.Text ?? "")));
                break;
            default:
                return;
        }

        activity.TextFormat = "markdown";
        activity.Conversation = reference.Conversation;
        activity.From = reference.Bot;
        activity.Recipient = reference.User;
        await connector.SendToConversationAsync(reference.ServiceUrl, conversationId, activity, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Relays the user's answers to the ticket's thread in the helpdesk channel, as replies under the ticket card.</summary>
internal sealed class ThreadDelivery(IConnectorClient connector, HelpdeskCards cards, BotTexts texts, Microsoft.Extensions.Options.IOptions<EscalationOptions> options) : IDeliveryChannel
{
    public string Name => Outbox.ThreadChannel;

    private static Activity Text(string text) => RequesterDelivery.Text(text);

    public Task DeliverAsync(Ticket ticket, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("A thread delivery is about one event of the ticket's history.");

    public async Task DeliverAsync(Ticket ticket, OutboxItem item, CancellationToken cancellationToken)
    {
        if (item.EventIndex is not { } index || index < 0 || index >= ticket.History.Count)
        {
            throw new InvalidOperationException($"Ticket {ticket.Id} has no event {item.EventIndex}.");
        }

        // Retried by the outbox until the ticket's card is in the channel (its delivery comes first).
        var post = ticket.ChannelPost ?? throw new InvalidOperationException($"Ticket {ticket.Id} is not posted in the helpdesk channel yet.");
        var e = ticket.History[index];
        var activity = Text(texts.Get("helpdesk-thread-answer", options.Value.HelpdeskLocale,
            ("user", HelpdeskCards.Name(e.By)), ("id", ticket.Id), ("text", e.Text ?? "")));
        activity.TextFormat = "markdown";
        activity.Summary = cards.Summary(ticket);
        activity.Conversation = new ConversationAccount(post.ConversationId, isGroup: true) { ConversationType = "channel" };
        await connector.SendToConversationAsync(post.ServiceUrl, post.ConversationId, activity, cancellationToken).ConfigureAwait(false);
    }
}
