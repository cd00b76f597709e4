"""Training: modules, paths and live sessions, assignments with due dates, quizzes,
certifications that expire, and readiness per person and team."""
