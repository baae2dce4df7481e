using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace TriageBot.Escalation;

/// <summary>POSTs the ticket as JSON (its <c>id</c> lets the receiver deduplicate) to <c>Escalation:WebhookUrl</c>.</summary>
internal sealed class WebhookDelivery(HttpClient httpClient, IOptions<EscalationOptions> options) : IDeliveryChannel
{
    public const string ChannelName = "webhook";
    public const string HttpClientName = "Escalation.Webhook";

    public string Name => ChannelName;

    public async Task DeliverAsync(Ticket ticket, CancellationToken cancellationToken)
    {
        var url = options.Value.WebhookUrl ?? throw new InvalidOperationException("Escalation:WebhookUrl is not configured.");
        using var response = await httpClient.PostAsJsonAsync(url, StoredItems.WithoutETag(ticket), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Webhook answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        }
    }
}
