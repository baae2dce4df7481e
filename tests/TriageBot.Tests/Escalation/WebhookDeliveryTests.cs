using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;

namespace TriageBot.Tests.Escalation;

public class WebhookDeliveryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task DeliverAsync_Accepted_PostsTicketJsonWithIdAndNoETag()
    {
        var handler = new StubHandler(HttpStatusCode.Accepted);
        var ticket = await NewTicketAsync();

        await Create(handler).DeliverAsync(ticket, CancellationToken.None);

        var (method, uri, body) = Assert.Single(handler.Requests);
        Assert.Equal((HttpMethod.Post, "https://tickets.example.com/hooks/triagebot"), (method, uri.ToString()));
        using var json = JsonDocument.Parse(body);
        Assert.Equal("TB-1001", json.RootElement.GetProperty("id").GetString());
        Assert.Equal("Open", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("alex@contoso.com", json.RootElement.GetProperty("request").GetProperty("form").GetProperty("signInAddress").GetString());
        Assert.False(json.RootElement.TryGetProperty("eTag", out _));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.NotFound)]
    public async Task DeliverAsync_ErrorStatus_ThrowsWithStatus(HttpStatusCode status)
    {
        var ticket = await NewTicketAsync();

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => Create(new StubHandler(status)).DeliverAsync(ticket, CancellationToken.None));

        Assert.Equal(status, ex.StatusCode);
    }

    private static WebhookDelivery Create(StubHandler handler) =>
        new(new HttpClient(handler), Options.Create(new EscalationOptions { WebhookUrl = "https://tickets.example.com/hooks/triagebot" }));

    private async Task<Ticket> NewTicketAsync()
    {
        var storage = new MemoryStorage();
        return await new TicketStore(storage, new Outbox(storage, []), _time).CreateAsync(Requests.Sample(), "k");
    }

    private sealed class StubHandler(HttpStatusCode status) : HttpMessageHandler
    {
        public List<(HttpMethod Method, Uri Uri, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.Method, request.RequestUri!, await request.Content!.ReadAsStringAsync(cancellationToken)));
            return new HttpResponseMessage(status);
        }
    }
}
