using LeadSync.Domain.Handoff;
using LeadSync.Domain.Scoring;

namespace LeadSync.Domain.Tests.Handoff;

public sealed class HandoffNoteTests
{
    private static HandoffNoteInput Input(int score = 84, string? first = "Ada", string? last = "Lovelace", string? email = "ada@example.com") => new(
        first,
        last,
        "Acme",
        email,
        score,
        FitGrade.A,
        ["requested a demo (+25)", "downloaded 3 whitepapers (+15)"],
        ["VP title (+15)", "Technology industry (+10)"],
        "Web",
        "Visited the pricing page",
        new DateTimeOffset(2026, 11, 20, 9, 15, 0, TimeSpan.Zero),
        "Rule 'emea' matched: team EMEA.");

    [Fact]
    public void Compose_FullInput_SubjectNamesLeadCompanyScoreAndGrade()
    {
        var note = HandoffNote.Compose(Input());

        Assert.Equal("Sales-ready lead: Ada L. at Acme (score 84, grade A)", note.Subject);
    }

    [Theory]
    [InlineData(84, "Normal")]
    [InlineData(85, "High")]
    public void Compose_ScoreAroundHighPriority_SetsPriority(int score, string expected)
    {
        Assert.Equal(expected, HandoffNote.Compose(Input(score)).Priority);
    }

    [Fact]
    public void Compose_CustomPriorityOptions_AreUsed()
    {
        var note = HandoffNote.Compose(Input(75), new HandoffNoteOptions { HighPriorityAtOrAbove = 75, HighPriority = "Urgent" });

        Assert.Equal("Urgent", note.Priority);
    }

    [Fact]
    public void Compose_Description_ExplainsScoreBehavioursFitSourceActivityAndRouting()
    {
        var text = HandoffNote.Compose(Input()).Description;

        Assert.Contains("score of 84", text, StringComparison.Ordinal);
        Assert.Contains("fit grade A", text, StringComparison.Ordinal);
        Assert.Contains("- requested a demo (+25)", text, StringComparison.Ordinal);
        Assert.Contains("- VP title (+15)", text, StringComparison.Ordinal);
        Assert.Contains("Lead source: Web", text, StringComparison.Ordinal);
        Assert.Contains("Visited the pricing page on 2026-11-20 09:15 UTC", text, StringComparison.Ordinal);
        Assert.Contains("Why you: Rule 'emea' matched", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_NoName_UsesMaskedEmailNeverRawEmail()
    {
        var note = HandoffNote.Compose(Input(first: null, last: null));

        Assert.DoesNotContain("ada@example.com", note.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain("ada@example.com", note.Description, StringComparison.Ordinal);
        Assert.Contains("a***@example.com", note.Subject, StringComparison.Ordinal);
    }
}
