using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TriageBot.TeamsApp;

/// <summary>
/// What the <c>package</c> verb fills into the Teams app manifest besides the app id (section
/// <c>TeamsApp</c>). An empty value keeps what <c>manifest/manifest.json</c> says.
/// </summary>
public sealed class TeamsAppOptions
{
    /// <summary>developer.name in the manifest (at most 32 characters).</summary>
    public string? DeveloperName { get; set; }

    /// <summary>The app's version, <c>major.minor.patch</c>; raise it for every upload that replaces an installed package.</summary>
    public string? Version { get; set; }

    /// <summary>developer.websiteUrl: the organisation's support page (https).</summary>
    public string? WebsiteUrl { get; set; }

    /// <summary>developer.privacyUrl (https).</summary>
    public string? PrivacyUrl { get; set; }

    /// <summary>developer.termsOfUseUrl (https).</summary>
    public string? TermsOfUseUrl { get; set; }
}

/// <summary>The manifest folder cannot be made into a package; the message says why, for a person.</summary>
public sealed class TeamsAppPackageException(string message) : Exception(message);

/// <summary>One file at the root of the package.</summary>
public sealed record TeamsAppPackageFile(string Name, byte[] Content);

/// <summary>The checked contents of a Teams app package, and what the administrator should know about it.</summary>
public sealed record TeamsAppPackage(IReadOnlyList<TeamsAppPackageFile> Files, IReadOnlyList<string> Warnings)
{
    /// <summary>The committed manifest's stand-in for the app and bot id: the schema requires a GUID there.</summary>
    public const string PlaceholderId = "00000000-0000-0000-0000-000000000000";

    public const string ManifestFileName = "manifest.json";

    private static readonly Regex Semver = new(@"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$", RegexOptions.CultureInvariant);

    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Reads <paramref name="manifestDirectory"/> (manifest.json and the icons it names), puts
    /// <paramref name="appId"/> in as the app id and the bot id of the bot and the message
    /// extension, fills the developer details from <paramref name="options"/>, and checks what
    /// Teams checks on upload that the schema cannot: ids, https URLs, icon files and sizes.
    /// </summary>
    /// <exception cref="TeamsAppPackageException">The app id is missing or not a GUID, or the folder is not usable.</exception>
    public static TeamsAppPackage Build(string manifestDirectory, string? appId, TeamsAppOptions options)
    {
        var id = CheckAppId(appId);
        var manifestPath = Path.Combine(manifestDirectory, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            throw new TeamsAppPackageException($"{manifestPath} not found: give the folder holding the Teams app manifest with --manifest-dir");
        }
        JsonObject manifest;
        try
        {
            manifest = JsonNode.Parse(File.ReadAllText(manifestPath)) as JsonObject
                ?? throw new TeamsAppPackageException($"{manifestPath}: expected a JSON object");
        }
        catch (JsonException ex)
        {
            throw new TeamsAppPackageException($"{manifestPath}: not valid JSON: {ex.Message}");
        }

        var warnings = new List<string>();
        FillIds(manifest, id, manifestPath);
        FillDeveloper(manifest, options, manifestPath, warnings);
        if (!string.IsNullOrWhiteSpace(options.Version))
        {
            manifest["version"] = options.Version.Trim();
        }
        var version = (manifest["version"] as JsonValue)?.GetValue<string>();
        if (version is null || !Semver.IsMatch(version))
        {
            throw new TeamsAppPackageException($"TeamsApp:Version '{version}' is not a version like 1.0.0 (major.minor.patch)");
        }

        var text = manifest.ToJsonString(WriteOptions);
        if (text.Contains(PlaceholderId, StringComparison.Ordinal))
        {
            // A new id field (say webApplicationInfo.id) that FillIds does not know yet.
            throw new TeamsAppPackageException($"{manifestPath}: the placeholder id {PlaceholderId} is still in the manifest after filling in the app id");
        }

        var files = new List<TeamsAppPackageFile> { new(ManifestFileName, System.Text.Encoding.UTF8.GetBytes(text + "\n")) };
        files.AddRange(Icons(manifest, manifestDirectory, manifestPath));
        return new TeamsAppPackage(files, warnings);
    }

    /// <summary>Writes the package as a zip, every file at its root. Nothing is left at <paramref name="path"/> when writing fails.</summary>
    public void WriteZip(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        try
        {
            using (var stream = File.Create(temporary))
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
            {
                foreach (var file in Files)
                {
                    var entry = zip.CreateEntry(file.Name, CompressionLevel.Optimal);
                    using var entryStream = entry.Open();
                    entryStream.Write(file.Content);
                }
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static string CheckAppId(string? appId)
    {
        if (string.IsNullOrWhiteSpace(appId))
        {
            throw new TeamsAppPackageException(
                "MicrosoftAppId is not configured: set the bot's Microsoft Entra app id (a GUID) in appsettings.json or in the environment variable MicrosoftAppId");
        }
        if (!Guid.TryParseExact(appId.Trim(), "D", out var guid) || guid == Guid.Empty)
        {
            throw new TeamsAppPackageException(
                $"MicrosoftAppId '{appId}' is not an app id: expected the bot's Microsoft Entra application (client) id, a GUID like 11111111-2222-3333-4444-555555555555");
        }
        return guid.ToString("D");
    }

    private static void FillIds(JsonObject manifest, string id, string manifestPath)
    {
        manifest["id"] = id;
        if (manifest["bots"] is not JsonArray { Count: > 0 } bots)
        {
            throw new TeamsAppPackageException($"{manifestPath}: no bot in \"bots\"");
        }
        // TriageBot is one Entra app: the Teams app, its bot and its message extension share the id.
        foreach (var bot in bots.OfType<JsonObject>())
        {
            bot["botId"] = id;
        }
        if (manifest["composeExtensions"] is JsonArray extensions)
        {
            foreach (var extension in extensions.OfType<JsonObject>())
            {
                extension["botId"] = id;
            }
        }
    }

    private static void FillDeveloper(JsonObject manifest, TeamsAppOptions options, string manifestPath, List<string> warnings)
    {
        if (manifest["developer"] is not JsonObject developer)
        {
            throw new TeamsAppPackageException($"{manifestPath}: no \"developer\"");
        }
        if (!string.IsNullOrWhiteSpace(options.DeveloperName))
        {
            developer["name"] = options.DeveloperName.Trim();
        }
        foreach (var (property, key, value) in new[]
        {
            ("websiteUrl", "TeamsApp:WebsiteUrl", options.WebsiteUrl),
            ("privacyUrl", "TeamsApp:PrivacyUrl", options.PrivacyUrl),
            ("termsOfUseUrl", "TeamsApp:TermsOfUseUrl", options.TermsOfUseUrl),
        })
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                developer[property] = value.Trim();
            }
            var url = (developer[property] as JsonValue)?.GetValue<string>();
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            {
                throw new TeamsAppPackageException($"{key} '{url}' is not an https URL: Teams requires https for developer.{property}");
            }
            if (uri.Host.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase))
            {
                warnings.Add($"{key} is still the placeholder {url}: set your organisation's page before publishing the app to users");
            }
        }
    }

    private static IEnumerable<TeamsAppPackageFile> Icons(JsonObject manifest, string manifestDirectory, string manifestPath)
    {
        if (manifest["icons"] is not JsonObject icons)
        {
            throw new TeamsAppPackageException($"{manifestPath}: no \"icons\"");
        }
        // Sizes from the schema's descriptions of the icons; Teams rejects an upload with other sizes.
        foreach (var (property, size) in new[] { ("color", 192), ("outline", 32), ("color32x32", 32) })
        {
            if (icons[property] is not JsonValue value)
            {
                if (property == "color32x32")
                {
                    continue;
                }
                throw new TeamsAppPackageException($"{manifestPath}: no icons.{property}");
            }
            var name = value.GetValue<string>();
            if (name != Path.GetFileName(name) || name.Contains('/') || name.Contains('\\'))
            {
                throw new TeamsAppPackageException($"{manifestPath}: icons.{property} '{name}' must be a file name beside manifest.json (the package is flat)");
            }
            var path = Path.Combine(manifestDirectory, name);
            if (!File.Exists(path))
            {
                throw new TeamsAppPackageException($"{path} not found (icons.{property} in the manifest)");
            }
            var content = File.ReadAllBytes(path);
            var (width, height) = PngSize(content) ?? throw new TeamsAppPackageException($"{path} is not a PNG image");
            if (width != size || height != size)
            {
                throw new TeamsAppPackageException($"{path} is {width}x{height}; Teams requires {size}x{size} for icons.{property}");
            }
            yield return new TeamsAppPackageFile(name, content);
        }
    }

    /// <summary>Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG.</summary>
    internal static (int Width, int Height)? PngSize(ReadOnlySpan<byte> png)
    {
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        // Signature, then the first chunk: length (4), type "IHDR" (4), width (4), height (4).
        if (png.Length < 24 || !png[..8].SequenceEqual(signature) || !png.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return null;
        }
        return (BinaryPrimitives.ReadInt32BigEndian(png.Slice(16, 4)), BinaryPrimitives.ReadInt32BigEndian(png.Slice(20, 4)));
    }
}
