"""Figures in, .docx out: the render context, docxtpl rendering in a bounded sandbox, OOXML
helpers, the template contract check, the code that makes every shipped kind's template.
"""
