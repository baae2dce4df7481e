using TriageBot.EndToEnd.Harness;
using Xunit.Abstractions;

namespace TriageBot.EndToEnd;

/// <summary>What the harness reports when nothing listens at the bot endpoint.</summary>
public sealed class PlaygroundWithoutBotTests(ITestOutputHelper output)
{
    [Fact]
    public async Task InstallPersonal_BotNotListening_ThrowsWithPlaygroundWarning()
    {
        var deadEndpoint = $"http://127.0.0.1:{FreePort.Next()}/api/messages";
        await using var playground = await PlaygroundHarness.StartAsync(deadEndpoint, new PlaygroundOptions { Log = output.WriteLine });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => playground.InstallPersonalAsync());

        Assert.Contains("Cannot connect to your app", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_BotNotListening_Returns502WithoutBotExchange()
    {
        var deadEndpoint = $"http://127.0.0.1:{FreePort.Next()}/api/messages";
        await using var playground = await PlaygroundHarness.StartAsync(deadEndpoint, new PlaygroundOptions { Log = output.WriteLine });

        var result = await playground.InvokeAsync("composeExtension/query", new { commandId = "search" }, playground.Config.PersonalChat.Id);

        Assert.Equal(502, result.StatusCode);
        Assert.Null(result.BotExchange);
        Assert.Contains("ECONNREFUSED", result.RawBody, StringComparison.Ordinal);
    }
}
