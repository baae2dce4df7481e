using TriageBot.Testing;

namespace TriageBot.Protocol.Tests.Dialogs;

public class TestFlowTests
{
    private readonly TestAdapter _adapter = new();

    [Fact]
    public async Task AssertReply_DifferentText_FailsWithConversationSoFar()
    {
        var flow = new TestFlow(_adapter, (turn, ct) => turn.SendActivityAsync($"echo {turn.Activity.Text}", ct))
            .Send("one").AssertReply("echo one")
            .Send("two").AssertReply("echo 2");

        var error = await Assert.ThrowsAsync<TestFlowException>(flow.StartTestAsync);

        Assert.Contains("expected \"echo 2\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("user: one", error.Message, StringComparison.Ordinal);
        Assert.Contains("bot: message \"echo two\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_UnassertedReply_Fails()
    {
        var flow = new TestFlow(_adapter, async (turn, ct) =>
            {
                await turn.SendActivityAsync("a", ct);
                await turn.SendActivityAsync("b", ct);
            })
            .Send("hi").AssertReply("a")
            .Send("again");

        var error = await Assert.ThrowsAsync<TestFlowException>(flow.StartTestAsync);

        Assert.Contains("not asserted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTestAsync_ExtraReplyAtEnd_Fails()
    {
        var flow = new TestFlow(_adapter, async (turn, ct) =>
            {
                await turn.SendActivityAsync("a", ct);
                await turn.SendActivityAsync("a", ct);
            })
            .Send("hi").AssertReply("a");

        await Assert.ThrowsAsync<TestFlowException>(flow.StartTestAsync);
    }
}
