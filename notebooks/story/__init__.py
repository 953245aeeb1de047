"""What only the facial-recognition story needs, beside its notebooks: the declaration of its extra
event columns (:mod:`story.schema`) and the helpers its prose uses. The notebooks import it as
``story`` (their folder is on ``sys.path`` when they run)."""
