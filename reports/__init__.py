"""Quarterly reports (PowerPoint and PDF) and the consumer-voice report for one firm.

    source = WarehouseSource(engine, config)          # or the dashboard's cached source
    report = quarterly_report(source, quarter)         # frames from queries/ and scoring/
    deck = build_deck(report, "ko")                    # .pptx bytes
    pdf = build_quarterly_pdf(report, "en")            # .pdf bytes
    firm_pdf = build_firm_pdf(firm_report(source, "C00204", quarter), "en")

The numbers come from the same query and scoring functions the dashboard pages call (a source
is the only way in, and it runs no SQL of its own), so a report never disagrees with the pages.
"""
