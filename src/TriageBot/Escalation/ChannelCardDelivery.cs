using System.Text.Json;
using Microsoft.Extensions.Options;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Connector;
using TriageBot.Protocol.Schema;

namespace TriageBot.Escalation;

/// <summary>
/// Posts the ticket's card as a new thread in the helpdesk channel (<c>POST v3/conversations</c>) and
/// records where it went on the ticket. If the ticket already has a post (delivered before, but the
/// delivery was not recorded), that card is updated instead of posting a second one.
/// </summary>
internal sealed class ChannelCardDelivery(
    IConnectorClient connector,
    IStorage storage,
    TicketStore tickets,
    ITicketCardRenderer cards,
    IOptions<EscalationOptions> options) : IDeliveryChannel
{
    public const string ChannelName = "channel";

    public string Name => ChannelName;

    public async Task DeliverAsync(Ticket ticket, CancellationToken cancellationToken)
    {
        var activity = new Activity { Type = ActivityTypes.Message, Attachments = [cards.Render(ticket)] };
        if (ticket.ChannelPost is { } post)
        {
            await connector.UpdateActivityAsync(post.ServiceUrl, post.ConversationId, post.ActivityId, activity, cancellationToken).ConfigureAwait(false);
            return;
        }

        var channelId = options.Value.HelpdeskChannelId;
        if (string.IsNullOrWhiteSpace(channelId))
        {
            throw new InvalidOperationException("Escalation:HelpdeskChannelId is not configured.");
        }

        var referenceKey = $"references/{channelId}";
        var reference = StoredItems.Get<ConversationReference>(await storage.ReadAsync([referenceKey], cancellationToken).ConfigureAwait(false), referenceKey);
        var serviceUrl = !string.IsNullOrWhiteSpace(options.Value.HelpdeskServiceUrl) ? options.Value.HelpdeskServiceUrl : reference?.ServiceUrl;
        if (string.IsNullOrWhiteSpace(serviceUrl))
        {
            // Retried by the outbox: installing the bot in the channel stores the reference.
            throw new InvalidOperationException(
                $"No serviceUrl for the helpdesk channel: set Escalation:HelpdeskServiceUrl, or install the bot in channel {channelId}.");
        }

        var parameters = new ConversationParameters
        {
            IsGroup = true,
            Bot = reference?.Bot,
            TenantId = reference?.Conversation?.TenantId ?? ticket.Request.Requester.TenantId,
            ChannelData = JsonSerializer.SerializeToElement(new { channel = new { id = channelId } }),
            Activity = activity,
        };
        var response = await connector.CreateConversationAsync(serviceUrl, parameters, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(response.Id) || string.IsNullOrEmpty(response.ActivityId))
        {
            return;
        }

        var posted = new ChannelPost(response.ServiceUrl ?? serviceUrl, response.Id, response.ActivityId);
        await tickets.UpdateAsync(ticket.Id, t => t.ChannelPost = posted, cancellationToken).ConfigureAwait(false);
    }
}
