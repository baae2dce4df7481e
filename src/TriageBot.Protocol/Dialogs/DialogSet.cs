using TriageBot.Protocol.Builder;

namespace TriageBot.Protocol.Dialogs;

/// <summary>The dialogs that can be started by id, and (at the root) where their stack is kept.</summary>
public class DialogSet
{
    private readonly IStatePropertyAccessor<DialogState>? _dialogState;
    private readonly Dictionary<string, Dialog> _dialogs = new(StringComparer.Ordinal);

    /// <summary>Creates the root set; its stack is the <paramref name="dialogState"/> property (usually of <see cref="ConversationState"/>).</summary>
    public DialogSet(IStatePropertyAccessor<DialogState> dialogState)
    {
        _dialogState = dialogState ?? throw new ArgumentNullException(nameof(dialogState));
    }

    /// <summary>Creates a set without storage of its own (the inner set of a <see cref="ComponentDialog"/>).</summary>
    public DialogSet()
    {
    }

    /// <summary>Adds a dialog. Throws when another dialog with the same id is already in the set.</summary>
    public DialogSet Add(Dialog dialog)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        if (_dialogs.TryGetValue(dialog.Id, out var existing) && !ReferenceEquals(existing, dialog))
        {
            throw new ArgumentException($"A different dialog with id '{dialog.Id}' is already in the set.", nameof(dialog));
        }

        _dialogs[dialog.Id] = dialog;
        return this;
    }

    /// <summary>The dialog with that id in this set, or null.</summary>
    public Dialog? Find(string dialogId)
    {
        ArgumentException.ThrowIfNullOrEmpty(dialogId);
        return _dialogs.GetValueOrDefault(dialogId);
    }

    /// <summary>
    /// Loads the conversation's dialog stack (created empty when missing) and returns the context to
    /// drive it for this turn. Changes are saved with the state's <c>SaveChangesAsync</c> at the end of the turn.
    /// </summary>
    public async Task<DialogContext> CreateContextAsync(ITurnContext turnContext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turnContext);
        if (_dialogState is null)
        {
            throw new InvalidOperationException("This DialogSet has no state property: create it with an IStatePropertyAccessor<DialogState>.");
        }

        var state = await _dialogState.GetAsync(turnContext, () => new DialogState(), cancellationToken).ConfigureAwait(false);
        return new DialogContext(this, turnContext, state);
    }
}
