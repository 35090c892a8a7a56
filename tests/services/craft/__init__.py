"""Tests of the form checker (bot/services/craft), written as specifications."""
