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
    /// <summary>
    /// <c>Sqlite</c> (default: an embedded database file, one machine), <c>Postgres</c> (a PostgreSQL database
    /// that several instances share; needs <c>Storage:ConnectionString</c>) or <c>Memory</c> (tests, nothing
    /// kept across restarts).
    /// </summary>
    [RegularExpression("^(?i)(sqlite|postgres|postgresql|memory)$", ErrorMessage = "Storage:Provider must be Sqlite, Postgres or Memory.")]
    public string Provider { get; set; } = "Sqlite";

    /// <summary>True for <c>Postgres</c> (or <c>PostgreSQL</c>), any case.</summary>
    public static bool IsPostgres(string? provider) =>
        "postgres".Equals(provider, StringComparison.OrdinalIgnoreCase) || "postgresql".Equals(provider, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Where the conversation flows live (section <c>Dialogs</c>).</summary>
public sealed class DialogsOptions
{
    /// <summary>The dialogs folder, relative to the content root.</summary>
    [Required]
    public string Path { get; set; } = "dialogs";
}
