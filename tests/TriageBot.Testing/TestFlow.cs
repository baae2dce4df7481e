using System.Text;
using System.Text.Json;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Schema;

namespace TriageBot.Testing;

/// <summary>
/// A conversation test written as a transcript:
/// <c>await new TestFlow(adapter, bot).Send("hello").AssertReply("Which plan?").Send("E").AssertReply("...").StartTestAsync();</c>
/// </summary>
/// <remarks>
/// Each <see cref="Send(Activity)"/> runs a whole turn before the next step, so there are no timeouts.
/// Strict: every reply must be asserted (or skipped with <see cref="AssertReply(Action{Activity}, string?)"/>)
/// before the next message and by the end, so a duplicated or stray reply fails the test.
/// The flow is immutable: each call returns a new flow, and nothing runs until <see cref="StartTestAsync"/>.
/// </remarks>
public sealed class TestFlow
{
    private readonly TestAdapter _adapter;
    private readonly BotCallbackHandler _callback;
    private readonly IReadOnlyList<Func<Transcript, Task>> _steps;

    /// <summary>Creates a flow that sends the user's messages to <paramref name="bot"/>.</summary>
    public TestFlow(TestAdapter adapter, IBot bot)
        : this(adapter, (bot ?? throw new ArgumentNullException(nameof(bot))).OnTurnAsync)
    {
    }

    /// <summary>Creates a flow whose turns run <paramref name="callback"/>.</summary>
    public TestFlow(TestAdapter adapter, BotCallbackHandler callback)
        : this(adapter ?? throw new ArgumentNullException(nameof(adapter)), callback ?? throw new ArgumentNullException(nameof(callback)), [])
    {
    }

    private TestFlow(TestAdapter adapter, BotCallbackHandler callback, IReadOnlyList<Func<Transcript, Task>> steps)
    {
        _adapter = adapter;
        _callback = callback;
        _steps = steps;
    }

    /// <summary>The user types <paramref name="userSays"/>.</summary>
    public TestFlow Send(string userSays) => Send(_adapter.MakeActivity(userSays));

    /// <summary>The user presses an Action.Submit button whose data is <paramref name="data"/> (serialised to <see cref="Activity.Value"/>).</summary>
    public TestFlow SendSubmit(object data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var activity = _adapter.MakeActivity();
        activity.Value = JsonSerializer.SerializeToElement(data, data.GetType(), ProtocolJson.Options);
        return Send(activity);
    }

    /// <summary>The user sends <paramref name="userActivity"/>; the turn runs to completion.</summary>
    public TestFlow Send(Activity userActivity)
    {
        ArgumentNullException.ThrowIfNull(userActivity);
        return Then(async transcript =>
        {
            if (_adapter.PendingReplies > 0)
            {
                throw transcript.Fail($"{_adapter.PendingReplies} reply(ies) not asserted before the next message, the first: {Describe(_adapter.GetNextReply()!)}");
            }

            transcript.Add("user", userActivity.Text ?? (userActivity.Value is { } value ? $"[submit {value.GetRawText()}]" : $"[{userActivity.Type}]"));
            await _adapter.ProcessActivityAsync(userActivity, _callback).ConfigureAwait(false);
        });
    }

    /// <summary>The bot's next reply has exactly this text.</summary>
    public TestFlow AssertReply(string expected, string? description = null) =>
        AssertReply(
            reply =>
            {
                if (!string.Equals(reply.Text, expected, StringComparison.Ordinal))
                {
                    throw new TestFlowException($"expected \"{expected}\"");
                }
            },
            description);

    /// <summary>The bot's next reply passes <paramref name="validate"/> (which throws when it does not).</summary>
    public TestFlow AssertReply(Action<Activity> validate, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(validate);
        return Then(transcript =>
        {
            var reply = _adapter.GetNextReply()
                ?? throw transcript.Fail($"{description ?? "a reply"} was expected, but the bot sent nothing more.");
            transcript.Add("bot", Describe(reply));
            try
            {
                validate(reply);
            }
            catch (Exception ex)
            {
                throw transcript.Fail($"{description ?? "reply"}: {ex.Message}\n  got {Describe(reply)}", ex);
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>The bot sent nothing more.</summary>
    public TestFlow AssertNoReply(string? description = null) =>
        Then(transcript => _adapter.PendingReplies == 0
            ? Task.CompletedTask
            : throw transcript.Fail($"{description ?? "no reply"} was expected, but the bot sent {Describe(_adapter.GetNextReply()!)}"));

    /// <summary>Runs the transcript. Throws <see cref="TestFlowException"/> (with the conversation so far) at the first mismatch.</summary>
    public async Task StartTestAsync()
    {
        var transcript = new Transcript();
        foreach (var step in _steps)
        {
            await step(transcript).ConfigureAwait(false);
        }

        if (_adapter.PendingReplies > 0)
        {
            throw transcript.Fail($"the bot sent more than the transcript expects, the first: {Describe(_adapter.GetNextReply()!)}");
        }
    }

    private TestFlow Then(Func<Transcript, Task> step) => new(_adapter, _callback, [.. _steps, step]);

    private static string Describe(Activity activity)
    {
        var text = activity.Text is null ? "(no text)" : $"\"{activity.Text}\"";
        var attachments = activity.Attachments is { Count: > 0 } list ? $" + {list.Count} attachment(s) [{string.Join(", ", list.Select(a => a.ContentType))}]" : string.Empty;
        return $"{activity.Type} {text}{attachments}";
    }

    private sealed class Transcript
    {
        private readonly StringBuilder _log = new();

        public void Add(string who, string what) => _log.Append("  ").Append(who).Append(": ").AppendLine(what);

        public TestFlowException Fail(string message, Exception? inner = null) =>
            new($"{message}\nConversation so far:\n{_log}", inner);
    }
}

/// <summary>A transcript did not go as written.</summary>
public sealed class TestFlowException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TestFlowException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
