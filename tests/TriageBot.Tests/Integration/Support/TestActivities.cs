using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TriageBot.Tests.Integration.Support;

/// <summary>Teams-shaped inbound activities and the calls that post them.</summary>
internal static class TestActivities
{
    public const string LoopbackServiceUrl = "http://127.0.0.1:5/emea/";
    public const string BotId = "28:triagebot-app-id";
    public const string UserId = "29:1user-aad-id";

    /// <summary>
    /// What the user sees when a turn fails (en-US). Spelled out rather than taken from the app so the
    /// user-facing text is pinned and these tests do not depend on where the app keeps its strings.
    /// </summary>
    public const string ApologyText = "Sorry, something went wrong on my side. Please send your message again; if it keeps failing, contact the helpdesk.";

    /// <summary>What the user sees when the storage cannot be reached (en-US), pinned like <see cref="ApologyText"/>.</summary>
    public const string TryAgainText = "Sorry, I can't reach my storage right now, so I couldn't take that in. Please try again in a moment; nothing you told me before is lost.";

    /// <summary>A message from a Teams user to the bot; <paramref name="expectReplies"/> asks for the replies in the response.</summary>
    public static JsonObject Message(string text, string conversationId, string id = "1700000000123", string serviceUrl = LoopbackServiceUrl, bool expectReplies = false)
    {
        var activity = new JsonObject
        {
            ["type"] = "message",
            ["id"] = id,
            ["timestamp"] = "2026-01-01T12:00:00.000Z",
            ["channelId"] = "msteams",
            ["serviceUrl"] = serviceUrl,
            ["from"] = new JsonObject { ["id"] = UserId, ["name"] = "Ada Lovelace", ["aadObjectId"] = "00000000-0000-0000-0000-0000000000ad" },
            ["recipient"] = new JsonObject { ["id"] = BotId, ["name"] = "TriageBot" },
            ["conversation"] = new JsonObject { ["id"] = conversationId, ["conversationType"] = "personal", ["tenantId"] = "tenant-1" },
            ["text"] = text,
            ["textFormat"] = "plain",
            ["locale"] = "en-US",
        };
        if (expectReplies)
        {
            activity["deliveryMode"] = "expectReplies";
        }

        return activity;
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, JsonObject activity, string? bearerToken = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = JsonContent.Create(activity) };
        if (bearerToken is not null)
        {
            request.Headers.Authorization = new("Bearer", bearerToken);
        }

        // A hung turn must fail the test rather than stall the run; a healthy turn takes milliseconds.
        return await client.SendAsync(request).WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// A reply the bot sends when the turn went well: a message answering <paramref name="replyToId"/>, with
    /// something to show, and not the apology. (What it says is the dialogs' business, tested elsewhere.)
    /// </summary>
    public static void AssertNormalReply(JsonElement reply, string replyToId)
    {
        Assert.Equal("message", reply.GetProperty("type").GetString());
        Assert.Equal(replyToId, reply.GetProperty("replyToId").GetString());
        var text = reply.TryGetProperty("text", out var t) ? t.GetString() : null;
        var attachments = reply.TryGetProperty("attachments", out var a) ? a.GetArrayLength() : 0;
        Assert.True(!string.IsNullOrWhiteSpace(text) || attachments > 0, "the reply has neither text nor attachments");
        Assert.NotEqual(ApologyText, text);
    }

    /// <summary>The <c>activities</c> of an expectReplies response.</summary>
    public static async Task<JsonElement[]> RepliesAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. body.GetProperty("activities").EnumerateArray()];
    }
}
