using System.Text.Json.Nodes;
using TriageBot.Protocol.Builder;
using TriageBot.Protocol.Dialogs;
using TriageBot.Protocol.Schema;
using TriageBot.Testing;

namespace TriageBot.Protocol.Tests.Dialogs;

/// <summary>
/// A conversation against one dialog: conversation state in a <see cref="MemoryStorage"/> saved once
/// per turn by the <see cref="TestAdapter"/>, so every turn reloads the dialog stack from stored JSON.
/// </summary>
internal sealed class DialogHarness
{
    public DialogHarness(string locale = "en-US")
    {
        ConversationState = new ConversationState(Storage);
        DialogState = ConversationState.CreateProperty<DialogState>("DialogState");
        Adapter = new TestAdapter(locale: locale).UseState(ConversationState);
    }

    public MemoryStorage Storage { get; } = new();

    public ConversationState ConversationState { get; }

    public IStatePropertyAccessor<DialogState> DialogState { get; }

    public TestAdapter Adapter { get; }

    /// <summary>What <see cref="DialogExtensions.RunAsync"/> returned, one per turn.</summary>
    public List<DialogTurnResult> Results { get; } = [];

    public TestFlow Flow(Dialog dialog) =>
        new(Adapter, async (turnContext, ct) => Results.Add(await dialog.RunAsync(turnContext, DialogState, ct)));

    /// <summary>The stored dialog stack, as JSON.</summary>
    public async Task<JsonArray> StoredStackAsync()
    {
        const string key = "test/conversations/convo1";
        var items = await Storage.ReadAsync([key]);
        var document = (JsonObject)items[key];
        return document["state"]?["DialogState"]?["dialogStack"]?.AsArray() ?? [];
    }

    public static Activity Text(string text) => new() { Type = ActivityTypes.Message, Text = text };

    public static PromptOptions Ask(string prompt, string? retry = null, params Choice[] choices) => new()
    {
        Prompt = Text(prompt),
        RetryPrompt = retry is null ? null : Text(retry),
        Choices = choices.Length > 0 ? choices : null,
    };
}
