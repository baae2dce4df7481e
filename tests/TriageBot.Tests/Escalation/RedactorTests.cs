using TriageBot.Escalation;

namespace TriageBot.Tests.Escalation;

public class RedactorTests
{
    [Theory]
    // Passwords typed into the chat.
    [InlineData("password: hunter2", "password: [redacted password]")]
    [InlineData("Password=hunter2", "Password=[redacted password]")]
    [InlineData("pw=S3cret!", "pw=[redacted password]")]
    [InlineData("PWD : abc", "PWD : [redacted password]")]
    [InlineData("{\"user\": \"alex\", \"password\": \"hunter2\"}", "{\"user\": \"alex\", \"password\": [redacted password]}")]
    [InlineData("login alex@contoso.com passwd: 'correct horse' thanks", "login alex@contoso.com passwd: [redacted password] thanks")]
    [InlineData("my password is hunter2", "my password is [redacted password]")]
    [InlineData("My new password is Summer2024! and it still fails", "My new password is [redacted password] and it still fails")]
    [InlineData("the user's password was Winter#99", "the user's password was [redacted password]")]
    [InlineData("Mein Passwort ist Geheim123, geht nicht", "Mein Passwort ist [redacted password], geht nicht")]
    [InlineData("Kennwort: sommer2024", "Kennwort: [redacted password]")]
    [InlineData("我的密码是abc123，还是登录不了", "我的密码是[redacted password]，还是登录不了")]
    [InlineData("密碼：Secret99", "密碼：[redacted password]")]
    // Bearer tokens and JWTs.
    [InlineData("Authorization: Bearer abc123def456ghi789", "Authorization: Bearer [redacted token]")]
    [InlineData("token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl in the log", "token [redacted token] in the log")]
    [InlineData("id_token=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl", "id_token=[redacted token]")]
    // Keys and secrets.
    [InlineData("api_key=sk_live_51H8abcDEFghiJKL", "api_key=[redacted secret]")]
    [InlineData("client secret: 8Q~abcDEFghiJKLmnoPQRstu", "client secret: [redacted secret]")]
    [InlineData("\"client_secret\": \"abcdefghijklmnop\"", "\"client_secret\": \"[redacted secret]\"")]
    [InlineData("access_token=ya29.a0AfH6SMBx", "access_token=[redacted secret]")]
    [InlineData("the key is AbC123dEf456GhI789jKl0", "the key is [redacted secret]")]
    [InlineData("https://x.blob.core.windows.net/c?sv=2020-08-04&sig=abc%2Bdef123456%3D", "https://x.blob.core.windows.net/c?sv=2020-08-04&sig=[redacted secret]")]
    // Connection strings.
    [InlineData("Server=tcp:db;Database=lync;User ID=sa;Password=P@ssw0rd;Encrypt=true", "Server=tcp:db;Database=lync;User ID=sa;Password=[redacted password];Encrypt=true")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc123DEF456ghi789==;EndpointSuffix=core.windows.net", "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=[redacted secret];EndpointSuffix=core.windows.net")]
    // Card numbers (Luhn-valid).
    [InlineData("card 4111 1111 1111 1111 please", "card [redacted card number] please")]
    [InlineData("4111-1111-1111-1111", "[redacted card number]")]
    [InlineData("amex 378282246310005", "amex [redacted card number]")]
    [InlineData("5555555555554444.", "[redacted card number].")]
    // Private keys.
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----\nthen", "[redacted private key]\nthen")]
    public void Redact_Secret_Replaced(string text, string expected)
    {
        Assert.Equal(expected, Redactor.Redact(text));
    }

    [Theory]
    [InlineData("Sign-in address not found")]
    [InlineData("Lync couldn't find a Skype for Business Server for contoso.com. There might be an issue with the Domain Name System (DNS) configuration for your domain.")]
    [InlineData("The username, password or domain appears to be incorrect.")]
    [InlineData("You may have entered your sign-in address, user name, or password incorrectly")]
    [InlineData("my password is incorrect")]
    [InlineData("The password is wrong, I think")]
    [InlineData("my password was reset yesterday")]
    [InlineData("my password is not the problem")]
    [InlineData("Mein Passwort ist abgelaufen")]
    [InlineData("Your password has expired")]
    [InlineData("Forgotten password: reset the user's password and notify him or her of the new temporary password.")]
    [InlineData("Password: incorrect")]
    [InlineData("AADSTS50126: Error validating credentials due to invalid username or password.")]
    [InlineData("The security token could not be authenticated or authorized.")]
    [InlineData("WWW-Authenticate: Bearer realm=\"contoso\", authorization_uri=\"https://login.microsoftonline.com/common\"")]
    [InlineData("token signing certificate expired")]
    [InlineData("Error code 0x80070005 (Access is denied)")]
    [InlineData("see KB 2541980 and KB2581291")]
    [InlineData("sign in as alex.wilber@contoso.onmicrosoft.com")]
    [InlineData("Correlation ID: 3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("Timestamp: 2026-03-01 12:00:00Z, message id 1795499723960")]
    [InlineData("Skype for Business 16.0.4266.1001 on Windows 11 23H2")]
    [InlineData("call me on +49 30 1234 5678")]
    [InlineData("4111 1111 1111 1112")]
    [InlineData("密码错误")]
    [InlineData("密码是正确的")]
    [InlineData("Kennwort falsch")]
    [InlineData("")]
    public void Redact_NothingSecret_Unchanged(string text)
    {
        Assert.Equal(text, Redactor.Redact(text));
    }

    [Fact]
    public void Redact_Null_ReturnsNull()
    {
        Assert.Null(Redactor.Redact(null));
    }

    [Fact]
    public void Redact_AlreadyRedacted_Unchanged()
    {
        var once = Redactor.Redact("password: hunter2, my password is hunter2, token=abcdefgh12345678, Bearer abc123def456, 密码是abc123, card 4111111111111111");

        Assert.Equal(once, Redactor.Redact(once));
        Assert.DoesNotContain("hunter2", once);
    }

    [Fact]
    public void Redact_KnowledgeDocuments_Unchanged()
    {
        // Error texts are pasted as they appear in the documents and as clients show them (the curated
        // aliases): none of their lines may lose a word.
        var files = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Knowledge, "articles"), "*.md")
            .Concat(Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Knowledge, "curated"), "aliases*.yaml"))
            .ToList();
        Assert.NotEmpty(files);

        var changed = files
            .SelectMany(file => File.ReadLines(file).Select(line => (file, line)))
            .Where(x => Redactor.Redact(x.line) != x.line)
            .Select(x => $"{Path.GetFileName(x.file)}: {x.line}")
            .ToList();

        Assert.Empty(changed);
    }
}
