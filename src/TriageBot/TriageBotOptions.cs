using System.ComponentModel.DataAnnotations;

namespace TriageBot;

/// <summary>Where the bot's data lives (section <c>Knowledge</c>).</summary>
public sealed class KnowledgeOptions
{
    /// <summary>The knowledge folder, relative to the content root (the clone, or the program's folder).</summary>
    [Required]
    public string Path { get; set; } = "knowledge";
}

/// <summary>Which storage keeps conversation state (section <c>Storage</c>).</summary>
public sealed class StorageSelectionOptions
{
    /// <summary><c>Sqlite</c> (default: an embedded database file) or <c>Memory</c> (tests, nothing kept across restarts).</summary>
    [RegularExpression("^(?i)(sqlite|memory)$", ErrorMessage = "Storage:Provider must be Sqlite or Memory.")]
    public string Provider { get; set; } = "Sqlite";
}

/// <summary>Where the conversation flows live (section <c>Dialogs</c>).</summary>
public sealed class DialogsOptions
{
    /// <summary>The dialogs folder, relative to the content root.</summary>
    [Required]
    public string Path { get; set; } = "dialogs";
}
