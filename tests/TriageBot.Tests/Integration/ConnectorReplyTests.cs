using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Protocol.Connector;
using TriageBot.Tests.Integration.Support;

namespace TriageBot.Tests.Integration;

/// <summary>
/// Normal delivery (no expectReplies) through the real app: the reply leaves through the connector
/// HttpClient, RetryHandler included, and reaches a recording fake instead of the network.
/// </summary>
public sealed class ConnectorReplyTests(ConnectorReplyTests.App app) : AppTestBase<ConnectorReplyTests.App>(app)
{
    private const string DocumentedError = "Skype says: Server is temporarily unavailable";

    public sealed class App : TriageBotAppFactory;

    [Fact]
    public async Task Message_NormalDelivery_PostsReplyToConnectorWithSwappedAccounts()
    {
        var response = await TestActivities.PostAsync(_client, TestActivities.Message(DocumentedError, "a:1personal-chat", id: "1700000000123"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
        Assert.NotEmpty(_app.Connector.Requests);
        Assert.All(_app.Connector.Requests, call =>
        {
            Assert.Equal(HttpMethod.Post, call.Method);
            Assert.Equal("/emea/v3/conversations/a%3A1personal-chat/activities/1700000000123", call.Uri.AbsolutePath);
            Assert.Null(call.Authorization);
            var reply = JsonDocument.Parse(call.Body!).RootElement;
            TestActivities.AssertNormalReply(reply, "1700000000123");
            Assert.Equal(TestActivities.BotId, reply.GetProperty("from").GetProperty("id").GetString());
            Assert.Equal(TestActivities.UserId, reply.GetProperty("recipient").GetProperty("id").GetString());
            Assert.Equal("a:1personal-chat", reply.GetProperty("conversation").GetProperty("id").GetString());
            // The connector assigns id and timestamp; serviceUrl is routing, not content.
            Assert.False(reply.TryGetProperty("id", out _), "the reply must not carry an id");
            Assert.False(reply.TryGetProperty("timestamp", out _), "the reply must not carry a timestamp");
            Assert.False(reply.TryGetProperty("serviceUrl", out _), "the reply must not carry a serviceUrl");
        });
    }

    [Theory]
    [InlineData("http://127.0.0.1:5/amer/")]
    [InlineData("http://127.0.0.1:5/amer")]
    public async Task Message_TeamsChannelThread_EscapesConversationIdInReplyPath(string serviceUrl)
    {
        const string threadId = "19:b7f1c2d3e4@thread.tacv2;messageid=1700000000000";
        // Each row is a message of its own: the same id again would be taken for a redelivery and ignored.
        var id = serviceUrl.EndsWith('/') ? "1700000000456" : "1700000000789";
        var activity = TestActivities.Message(DocumentedError, threadId, id: id, serviceUrl: serviceUrl);
        activity["conversation"]!["conversationType"] = "channel";
        activity["conversation"]!["isGroup"] = true;

        var response = await TestActivities.PostAsync(_client, activity);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(_app.Connector.Requests);
        Assert.All(_app.Connector.Requests, call =>
        {
            // One '/' between serviceUrl and path; ':', '@', ';' and '=' escaped, as the SDK's client does.
            Assert.Equal($"/amer/v3/conversations/19%3Ab7f1c2d3e4%40thread.tacv2%3Bmessageid%3D1700000000000/activities/{id}", call.Uri.AbsolutePath);
            Assert.Equal(threadId, JsonDocument.Parse(call.Body!).RootElement.GetProperty("conversation").GetProperty("id").GetString());
        });
    }

    [Fact]
    public async Task Message_Connector500ThenCreated_RetriesOnceAndSucceeds()
    {
        _app.Connector.Enqueue(_ => RecordingHttpHandler.Status(HttpStatusCode.InternalServerError));

        var response = await TestActivities.PostAsync(_client, TestActivities.Message(DocumentedError, "a:retry-500"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertFirstReplySentTwice(_app.Connector.Requests);
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Level >= LogLevel.Error && e.IsAboutConversation("a:retry-500"));
    }

    [Fact]
    public async Task Message_Connector429WithRetryAfterThenCreated_Retries()
    {
        _app.Connector.Enqueue(_ =>
        {
            var throttled = RecordingHttpHandler.Status(HttpStatusCode.TooManyRequests);
            throttled.Headers.RetryAfter = new(TimeSpan.Zero);
            return throttled;
        });

        var response = await TestActivities.PostAsync(_client, TestActivities.Message(DocumentedError, "a:retry-429"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertFirstReplySentTwice(_app.Connector.Requests);
    }

    [Fact]
    public async Task Message_Connector400_IsNotRetriedAndTheUserGetsTheApology()
    {
        _app.Connector.Enqueue(_ => RecordingHttpHandler.Status(HttpStatusCode.BadRequest));

        var response = await TestActivities.PostAsync(_client, TestActivities.Message(DocumentedError, "a:rejected-400"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The refused reply ends the turn; the apology is the only other call.
        var calls = _app.Connector.Requests;
        Assert.Equal(2, calls.Count);
        TestActivities.AssertNormalReply(JsonDocument.Parse(calls[0].Body!).RootElement, "1700000000123");
        Assert.Equal(TestActivities.ApologyText, JsonDocument.Parse(calls[1].Body!).RootElement.GetProperty("text").GetString());
        Assert.Contains(_app.Logs.Entries, e => e.Level == LogLevel.Error && e.IsAboutConversation("a:rejected-400") && e.Exception is HttpRequestException);
    }

    [Fact]
    public async Task Message_ConnectorDownForEveryAttempt_CompletesLogsAndNextMessageWorks()
    {
        _app.Connector.SetFallback(RecordingHttpHandler.ConnectionRefused);
        var maxAttempts = _app.Services.GetRequiredService<IOptions<ConnectorClientOptions>>().Value.MaxAttempts;

        var failed = await TestActivities.PostAsync(_client, TestActivities.Message(DocumentedError, "a:connector-down", id: "1"));

        // The reply and then the apology each use every attempt, and no more. With the apology
        // undeliverable too, the adapter answers 500 problem details (as the SDK lets OnTurnError's
        // exception surface); what matters is that the request ends and leaks nothing.
        Assert.Equal(2 * maxAttempts, _app.Connector.Requests.Count);
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("application/problem+json", failed.Content.Headers.ContentType?.MediaType);
        var problem = await failed.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", problem);
        Assert.DoesNotContain("Connection refused", problem);
        Assert.Contains(_app.Logs.Entries, e => e.Level == LogLevel.Error && e.IsAboutConversation("a:connector-down") && e.Exception is HttpRequestException);

        _app.Connector.Reset();
        var next = await TestActivities.PostAsync(_client, TestActivities.Message(DocumentedError, "a:connector-down", id: "2"));

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.NotEmpty(_app.Connector.Requests);
        Assert.All(_app.Connector.Requests, call =>
        {
            Assert.EndsWith("/activities/2", call.Uri.AbsolutePath);
            TestActivities.AssertNormalReply(JsonDocument.Parse(call.Body!).RootElement, "2");
        });
    }

    // The failed first reply and its retry: same URL, same bytes; every later call is another reply.
    private static void AssertFirstReplySentTwice(IReadOnlyList<RecordedRequest> calls)
    {
        Assert.True(calls.Count >= 2, $"expected a retry, saw {calls.Count} call(s)");
        Assert.Equal(calls[0].Uri, calls[1].Uri);
        Assert.Equal(calls[0].Body, calls[1].Body);
        Assert.Equal(2, calls.Count(c => c.Body == calls[0].Body));
    }
}
