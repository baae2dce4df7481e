using System.Net;
using System.Text.Json.Nodes;
using Moq;
using TriageBot.Protocol.Connector;
using TriageBot.Protocol.Schema;
using TriageBot.Protocol.Tests.TestDoubles;

namespace TriageBot.Protocol.Tests.Connector;

public class ConnectorClientTests
{
    private const string ServiceUrl = "https://smba.trafficmanager.net/amer/";
    private const string ChannelConversation = "19:abc@thread.tacv2;messageid=1699";

    private readonly FakeHttpMessageHandler _handler = new(_ => FakeHttpMessageHandler.Json("""{"id":"new-1"}""", HttpStatusCode.Created));

    [Fact]
    public async Task ReplyToActivityAsync_TeamsChannelIds_EscapesIdsAndJoinsWithOneSlash()
    {
        var client = CreateClient();

        var response = await client.ReplyToActivityAsync(ServiceUrl, ChannelConversation, "1:2", new Activity { Type = "message", Text = "hi" });

        var request = Assert.Single(_handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://smba.trafficmanager.net/amer/v3/conversations/19%3Aabc%40thread.tacv2%3Bmessageid%3D1699/activities/1%3A2", request.Uri.AbsoluteUri);
        Assert.Equal("new-1", response.Id);
    }

    [Theory]
    [InlineData("https://smba.trafficmanager.net/amer")]
    [InlineData("https://smba.trafficmanager.net/amer/")]
    [InlineData("https://smba.trafficmanager.net/amer//")]
    public async Task SendToConversationAsync_AnyTrailingSlash_JoinsWithExactlyOneSlash(string serviceUrl)
    {
        await CreateClient().SendToConversationAsync(serviceUrl, "a:b", new Activity { Type = "message" });

        Assert.Equal("https://smba.trafficmanager.net/amer/v3/conversations/a%3Ab/activities", _handler.Requests.Single().Uri.AbsoluteUri);
    }

    [Fact]
    public async Task SendToConversationAsync_Activity_SendsBearerTokenAndNoIdTimestampOrServiceUrl()
    {
        var activity = new Activity { Type = "message", Text = "hi", Id = "x", Timestamp = DateTimeOffset.UnixEpoch, ServiceUrl = ServiceUrl };

        await CreateClient().SendToConversationAsync(ServiceUrl, "c", activity);

        var request = _handler.Requests.Single();
        Assert.Equal("Bearer token-1", request.Authorization);
        var body = JsonNode.Parse(request.Body!)!.AsObject();
        Assert.False(body.ContainsKey("id") || body.ContainsKey("timestamp") || body.ContainsKey("serviceUrl"));
        Assert.Equal("hi", body["text"]!.GetValue<string>());
        Assert.Equal("x", activity.Id);
    }

    [Fact]
    public async Task UpdateActivityAsync_Activity_PutsToActivityPathWithId()
    {
        await CreateClient().UpdateActivityAsync(ServiceUrl, "c", "m 1", new Activity { Type = "message", Text = "v2" });

        var request = _handler.Requests.Single();
        Assert.Equal(HttpMethod.Put, request.Method);
        Assert.Equal("https://smba.trafficmanager.net/amer/v3/conversations/c/activities/m%201", request.Uri.AbsoluteUri);
        Assert.Equal("m 1", JsonNode.Parse(request.Body!)!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteActivityAsync_Ids_SendsDeleteWithoutBody()
    {
        await CreateClient().DeleteActivityAsync(ServiceUrl, "c", "m1");

        var request = _handler.Requests.Single();
        Assert.Equal((HttpMethod.Delete, (string?)null), (request.Method, request.Body));
        Assert.EndsWith("/amer/v3/conversations/c/activities/m1", request.Uri.AbsoluteUri);
    }

    [Fact]
    public async Task CreateConversationAsync_ChannelPost_PostsParametersAndReadsResponse()
    {
        var handler = new FakeHttpMessageHandler(_ => FakeHttpMessageHandler.Json("""{"id":"19:c;messageid=7","activityId":"7"}"""));
        var client = new ConnectorClient(new HttpClient(handler), TokenProvider("t"), new TrustedServiceUrls(null, false));

        var response = await client.CreateConversationAsync(ServiceUrl, new ConversationParameters
        {
            IsGroup = true,
            ChannelData = System.Text.Json.JsonDocument.Parse("""{"channel":{"id":"19:c"}}""").RootElement,
            Activity = new Activity { Type = "message", Text = "new post" },
        });

        Assert.Equal(("19:c;messageid=7", "7"), (response.Id, response.ActivityId));
        var request = handler.Requests.Single();
        Assert.Equal("https://smba.trafficmanager.net/amer/v3/conversations", request.Uri.AbsoluteUri);
        Assert.Equal("19:c", JsonNode.Parse(request.Body!)!["channelData"]!["channel"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendToConversationAsync_NullTokenProvider_SendsNoAuthorizationHeader()
    {
        var client = new ConnectorClient(new HttpClient(_handler), new NullAccessTokenProvider(), new TrustedServiceUrls(null, allowLoopback: true));

        await client.SendToConversationAsync("http://localhost:56150/_connector", "c", new Activity { Type = "message" });

        var request = _handler.Requests.Single();
        Assert.Null(request.Authorization);
        Assert.Equal("http://localhost:56150/_connector/v3/conversations/c/activities", request.Uri.AbsoluteUri);
    }

    [Fact]
    public async Task SendToConversationAsync_ErrorStatus_ThrowsWithStatusCode()
    {
        var handler = new FakeHttpMessageHandler(_ => new HttpResponseMessage(HttpStatusCode.NotFound));
        var client = new ConnectorClient(new HttpClient(handler), TokenProvider("t"), new TrustedServiceUrls(null, false));

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.SendToConversationAsync(ServiceUrl, "c", new Activity { Type = "message" }));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example.com/")]
    [InlineData("http://smba.trafficmanager.net/amer/")]
    [InlineData("https://smba.trafficmanager.net.evil.example/")]
    [InlineData("http://localhost:3979/")]
    public async Task SendToConversationAsync_UntrustedServiceUrl_RefusesWithoutSending(string serviceUrl)
    {
        var ex = await Assert.ThrowsAsync<UntrustedServiceUrlException>(() => CreateClient().SendToConversationAsync(serviceUrl, "c", new Activity { Type = "message" }));

        Assert.Equal(serviceUrl, ex.ServiceUrl);
        Assert.Empty(_handler.Requests);
    }

    private ConnectorClient CreateClient() => new(new HttpClient(_handler), TokenProvider("token-1"), new TrustedServiceUrls(null, allowLoopback: false));

    private static IAccessTokenProvider TokenProvider(string token)
    {
        var provider = new Mock<IAccessTokenProvider>();
        provider.Setup(p => p.GetAccessTokenAsync(It.IsAny<CancellationToken>())).ReturnsAsync(token);
        return provider.Object;
    }
}
