using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TriageBot.Dialogs;
using TriageBot.Escalation;
using TriageBot.Protocol.Builder;
using TriageBot.Tests.Integration.Support;

namespace TriageBot.Tests.Integration;

/// <summary>
/// Bodies no client should send, through the real app with auth off: each must be answered 400 with
/// problem details before the bot runs, never 5xx. Each row names the defect; <see cref="Body"/> builds it.
/// The rest of the class (the other partial file) is the bad-input suite: well-formed JSON with the wrong
/// things in it, where the conversation must go on unharmed after each request.
/// </summary>
public sealed partial class MalformedActivityTests(MalformedActivityTests.App app) : AppTestBase<MalformedActivityTests.App>(app)
{
    private const string Envelope = "\"channelId\":\"msteams\",\"serviceUrl\":\"http://127.0.0.1:5/\",\"conversation\":{\"id\":\"a:malformed\"},\"from\":{\"id\":\"29:u\"},\"recipient\":{\"id\":\"28:b\"}";
    private const int NestingDepth = 10_000;

    public sealed class App : TriageBotAppFactory;

    [Theory]
    [InlineData("no type")]
    [InlineData("empty type")]
    [InlineData("type is a number")]
    [InlineData("from is a number")]
    [InlineData("text is an object")]
    [InlineData("conversation is an array")]
    [InlineData("entities is an object")]
    [InlineData("timestamp is not a date")]
    [InlineData("isGroup is a string")]
    [InlineData("invalid UTF-8 in text")]
    [InlineData("invalid UTF-8 in a property name")]
    [InlineData("invalid UTF-8 in value")]
    [InlineData("invalid UTF-8 in channelData")]
    [InlineData("invalid UTF-8 in an unknown field of conversation")]
    [InlineData("lone UTF-16 surrogate escape in text")]
    [InlineData("nested 10,000 levels in value")]
    [InlineData("nested 10,000 levels in an unknown field")]
    [InlineData("nested 10,000 levels at the top")]
    [InlineData("empty body")]
    [InlineData("JSON null")]
    [InlineData("JSON array")]
    [InlineData("truncated JSON")]
    [InlineData("overlong UTF-8 encoding of '/' in text")]
    [InlineData("UTF-16 body")]
    [InlineData("NUL byte between properties")]
    [InlineData("two JSON values")]
    [InlineData("JSON string")]
    public async Task Post_MalformedActivity_Is400ProblemDetails(string defect)
    {
        using var content = new ByteArrayContent(Body(defect));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

        var response = await _client.PostAsync("/api/messages", content).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(400, JsonDocument.Parse(text).RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain("   at ", text);
        Assert.DoesNotContain("Exception", text);
        Assert.Empty(_app.Connector.Requests);
        Assert.DoesNotContain(_app.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    private static byte[] Body(string defect) => defect switch
    {
        "no type" => Utf8($$"""{"id":"1","text":"hi",{{Envelope}}}"""),
        "empty type" => Utf8($$"""{"type":"  ","text":"hi",{{Envelope}}}"""),
        "type is a number" => Utf8($$"""{"type":5,"text":"hi",{{Envelope}}}"""),
        "from is a number" => Utf8("""{"type":"message","text":"hi","from":5,"conversation":{"id":"a:malformed"}}"""),
        "text is an object" => Utf8($$"""{"type":"message","text":{},{{Envelope}}}"""),
        "conversation is an array" => Utf8("""{"type":"message","text":"hi","conversation":[],"from":{"id":"29:u"}}"""),
        "entities is an object" => Utf8($$"""{"type":"message","text":"hi","entities":{},{{Envelope}}}"""),
        "timestamp is not a date" => Utf8($$"""{"type":"message","text":"hi","timestamp":"yesterday",{{Envelope}}}"""),
        "isGroup is a string" => Utf8("""{"type":"message","text":"hi","conversation":{"id":"a:malformed","isGroup":"yes"}}"""),
        "invalid UTF-8 in text" => [.. Utf8($"{{\"type\":\"message\",{Envelope},\"text\":\"caf"), 0xC3, 0x28, .. Utf8("\"}")],
        "invalid UTF-8 in a property name" => [.. Utf8($"{{\"type\":\"message\",{Envelope},\"x"), 0xFF, 0xFE, .. Utf8("\":1}")],
        "invalid UTF-8 in value" => [.. Utf8($"{{\"type\":\"message\",{Envelope},\"value\":{{\"v\":\"caf"), 0xC3, 0x28, .. Utf8("\"}}")],
        "invalid UTF-8 in channelData" => [.. Utf8($"{{\"type\":\"message\",{Envelope},\"channelData\":{{\"tenant\":{{\"id\":\""), 0xED, 0xA0, 0x80, .. Utf8("\"}}}")],
        "invalid UTF-8 in an unknown field of conversation" =>
            [.. Utf8("{\"type\":\"message\",\"channelId\":\"msteams\",\"serviceUrl\":\"http://127.0.0.1:5/\",\"conversation\":{\"id\":\"a:malformed\",\"extra\":\""), 0xC0, 0xAF, .. Utf8("\"}}")],
        "lone UTF-16 surrogate escape in text" => Utf8($$"""{"type":"message",{{Envelope}},"text":"\ud800 oops"}"""),
        "nested 10,000 levels in value" => Utf8($$"""{"type":"message",{{Envelope}},"value":{{Nested()}}}"""),
        "nested 10,000 levels in an unknown field" => Utf8($$"""{"type":"message",{{Envelope}},"extra":{{Nested()}}}"""),
        "nested 10,000 levels at the top" => Utf8(Nested()),
        "empty body" => [],
        "JSON null" => Utf8("null"),
        "JSON array" => Utf8($$"""[{"type":"message",{{Envelope}}}]"""),
        "truncated JSON" => Utf8($"{{\"type\":\"message\",{Envelope},\"text\":\"hi"),
        "overlong UTF-8 encoding of '/' in text" => [.. Utf8($"{{\"type\":\"message\",{Envelope},\"text\":\"a"), 0xE0, 0x80, 0xAF, .. Utf8("\"}")],
        "UTF-16 body" => Encoding.Unicode.GetBytes($$"""{"type":"message","text":"hi",{{Envelope}}}"""),
        "NUL byte between properties" => [.. Utf8($"{{\"type\":\"message\",{Envelope},"), 0x00, .. Utf8("\"text\":\"hi\"}")],
        "two JSON values" => Utf8($$"""{"type":"message",{{Envelope}}} {"type":"message",{{Envelope}}}"""),
        "JSON string" => Utf8("\"message\""),
        _ => throw new ArgumentOutOfRangeException(nameof(defect), defect, "no body for this row"),
    };

    // {"a":[{"a":[ ... ]}]} alternating objects and arrays, NestingDepth levels in all.
    private static string Nested()
    {
        var text = new StringBuilder();
        for (var i = 0; i < NestingDepth; i++)
        {
            text.Append(i % 2 == 0 ? "{\"a\":" : "[");
        }

        text.Append("1");
        for (var i = NestingDepth - 1; i >= 0; i--)
        {
            text.Append(i % 2 == 0 ? "}" : "]");
        }

        return text.ToString();
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
