using TriageBot.EndToEnd.EchoBot;
using TriageBot.EndToEnd.Harness;
using Xunit.Abstractions;

namespace TriageBot.EndToEnd;

/// <summary>Proves <see cref="BotProcess"/> by running this assembly's echo bot as a separate dotnet process.</summary>
public sealed class BotProcessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StartAsync_EchoBotAssemblyWithEnvironment_AnswersThroughPlayground()
    {
        var environment = new Dictionary<string, string?> { ["EchoBot__Prefix"] = "from-process" };
        await using var bot = await BotProcess.StartAsync(typeof(EchoBotApp).Assembly.Location, environment, log: output.WriteLine);
        await using var playground = await PlaygroundHarness.StartAsync(bot.MessagesEndpoint, new PlaygroundOptions { Log = output.WriteLine });

        var conversationId = await playground.InstallPersonalAsync();
        var turn = await playground.SendUserMessageAsync(conversationId, "hello");
        var reply = await playground.WaitForBotActivityAsync(a => a.ReplyToId == turn.ActivityId);

        Assert.Equal("from-process: hello", reply.Text);
    }

    [Fact]
    public async Task DisposeAsync_RunningBot_ProcessExitsAndPortCloses()
    {
        var bot = await BotProcess.StartAsync(typeof(EchoBotApp).Assembly.Location, log: output.WriteLine);
        using var http = new HttpClient { BaseAddress = bot.BaseAddress };
        Assert.Equal("ok", await http.GetStringAsync("healthz"));

        await bot.DisposeAsync();

        Assert.True(bot.HasExited);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("healthz"));
    }
}
